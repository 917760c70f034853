using Diag.Linux.Stacks;

namespace Diag.Linux.Tests.Stacks;

/// <summary>Symbol names as a person reads them: versions dropped, C++ and Rust demangled.</summary>
public sealed class SymbolNameTests
{
    [Theory]
    [InlineData("__libc_start_main@@GLIBC_2.34", "__libc_start_main")]
    [InlineData("_IO_file_underflow@GLIBC_2.2.5", "_IO_file_underflow")]
    [InlineData("recvfrom", "recvfrom")]
    [InlineData("stack_nested_5.cold", "stack_nested_5.cold")]
    [InlineData("_ZN4core3ptr13drop_in_place17h0123456789abcdefE", "core::ptr::drop_in_place")]
    [InlineData("_ZN3std2rt10lang_start28_$u7b$$u7b$closure$u7d$$u7d$17h8bc0b5f4a8a7b0f1E", "std::rt::lang_start::{{closure}}")]
    [InlineData("_ZN70_$LT$alloc..vec..Vec$LT$T$C$A$GT$$u20$as$u20$core..ops..drop..Drop$GT$4drop17hfa9b25b5c2d15e0aE",
        "<alloc::vec::Vec<T,A> as core::ops::drop::Drop>::drop")]
    [InlineData("_ZN5tokio7runtime4park5Inner4park17h0123456789abcdefE.llvm.123456", "tokio::runtime::park::Inner::park")]
    [InlineData("_ZNSt6thread11_State_implINS_8_InvokerISt5tupleIJPFvvEEEEEE6_M_runEv",
        "std::thread::_State_impl<std::thread::_Invoker<std::tuple<void (*)()> > >::_M_run()")]
    [InlineData("_ZN2v88internal7Isolate4InitEv", "v8::internal::Isolate::Init()")]
    [InlineData("_Znot_a_mangled_name", "_Znot_a_mangled_name")]
    public void NamesAreDemangled(string symbol, string expected) => Assert.Equal(expected, SymbolDemangler.Demangle(symbol));
}
