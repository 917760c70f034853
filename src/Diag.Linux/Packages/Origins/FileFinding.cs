namespace Diag.Linux.Packages.Origins;

/// <summary>One thing found about a file, in a plain sentence, with the other file or package it concerns.</summary>
public sealed class FileFinding
{
    public FileFinding(FileFindingKind kind, string message, string? relatedPath = null, string? relatedPackage = null)
    {
        KindValue = kind;
        Message = message;
        RelatedPath = relatedPath;
        RelatedPackage = relatedPackage;
    }

    /// <summary>What the finding says, as a <see cref="FileFindingKind"/> name (NotOwned, Shadows, Modified…).</summary>
    public string Kind => KindValue.ToString();

    internal FileFindingKind KindValue { get; }

    /// <summary>The finding in words: "/usr/bin/atd is owned by no package and shadows /usr/sbin/atd from package at".</summary>
    public string Message { get; }

    /// <summary>The other file concerned (the shadowed one, the diverted copy, the link target).</summary>
    public string? RelatedPath { get; }

    /// <summary>The other file's package, or the diverting one.</summary>
    public string? RelatedPackage { get; }

    public override string ToString() => Message;
}
