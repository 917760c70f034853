using Diag.Linux.CoreDumps;

namespace Diag.Linux.Tests.CoreDumps;

/// <summary>The probe executable in CoreProbeProgram.X86_64.cs is exactly its assembly source.</summary>
public sealed class CoreProbeProgramTests
{
    [Fact]
    public void BytesMatchTheAssemblySource() =>
        Assert.Equal(AssembledSource.Text("src/Diag.Linux/CoreDumps/CoreProbeProgram.X86_64.S"), CoreProbeProgram.Image.ToArray());
}
