namespace Diag.Linux.Limits;

/// <summary>Where one limit of a process came from, and the process where the value first appears.</summary>
internal sealed record LimitOrigin(LimitSource Source, string Detail, int OriginProcessId, string OriginName, string? ServiceUnit);
