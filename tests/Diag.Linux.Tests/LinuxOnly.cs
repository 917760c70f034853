// The engine and its tests run on Linux only (/proc, ptrace, bpf): Unix-only APIs such as File.SetUnixFileMode
// need no platform guard here.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
