using System.Security.Cryptography;

namespace Diag.Linux.Packages.Origins;

/// <summary>A file's digest in the algorithm its package recorded, as lowercase hex (how dpkg and rpm write them).</summary>
internal static class FileDigest
{
    /// <summary>Null when the file cannot be read (gone, not permitted).</summary>
    public static string? Of(string path, DigestAlgorithm algorithm)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
            var hash = algorithm switch
            {
                DigestAlgorithm.Md5 => MD5.HashData(stream),
                DigestAlgorithm.Sha1 => SHA1.HashData(stream),
                DigestAlgorithm.Sha384 => SHA384.HashData(stream),
                DigestAlgorithm.Sha512 => SHA512.HashData(stream),
                _ => SHA256.HashData(stream),
            };
            return Convert.ToHexString(hash).ToLowerInvariant();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
