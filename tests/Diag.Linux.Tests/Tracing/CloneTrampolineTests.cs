using Diag.Linux.Interop;

namespace Diag.Linux.Tests.Tracing;

/// <summary>The machine code in CloneTrampoline.X86_64.cs is exactly its assembly source.</summary>
public sealed class CloneTrampolineTests
{
    [Fact]
    public void BytesMatchTheAssemblySource() =>
        Assert.Equal(AssembledSource.Text("src/Diag.Linux/Interop/CloneTrampoline.X86_64.S"), CloneTrampoline.Code.ToArray());
}
