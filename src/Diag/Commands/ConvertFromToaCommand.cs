using System.Collections;
using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using Diag.Commands.Infrastructure;
using Diag.Linux.Toa;
using Diag.Linux.Toa.Text;

namespace Diag.Commands;

/// <summary>
/// ConvertFrom-Toa: the real client address that a full-NAT load balancer (LVS, DPVS, cloud ELBs)
/// carries in a TCP option, from tcpdump's text (streamed, as <c>tcpdump -l</c> prints it), from a
/// pcap or pcapng file (a FIFO too, live), or from one option given as hex or bytes.
/// </summary>
[Cmdlet(VerbsData.ConvertFrom, "Toa", DefaultParameterSetName = TextSet)]
[OutputType(typeof(ToaRecord))]
public sealed class ConvertFromToaCommand : DiagCmdlet
{
    private const string TextSet = "Text", PathSet = "Path", LiteralPathSet = "LiteralPath", HexSet = "Hex", ByteSet = "Byte";
    private const int ProgressId = 1;

    private long _records;
    private readonly List<object> _output = new();
    private readonly Stopwatch _clock = new();
    private readonly List<string> _notRead = new();
    private ToaKindMap _map = ToaKindMap.Default;
    private int? _kindHint;
    private TcpdumpTextDecoder? _text;

    /// <summary>Lines of tcpdump output, as the pipeline brings them (tcpdump -l, Get-Content); a string may hold many lines.</summary>
    [Parameter(ParameterSetName = TextSet, Mandatory = true, ValueFromPipeline = true)]
    [AllowNull, AllowEmptyString, AllowEmptyCollection]
    public string[] InputObject { get; set; } = [];

    /// <summary>pcap or pcapng files; wildcards allowed.</summary>
    [Parameter(ParameterSetName = PathSet, Mandatory = true, Position = 0)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    /// <summary>pcap or pcapng files, taken as written (no wildcards); binds from Get-ChildItem.</summary>
    [Parameter(ParameterSetName = LiteralPathSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    /// <summary>One TOA option per string, as hex: with its kind and length (c80830390a0a0101) or its data alone (30390a0a0101).</summary>
    [Parameter(ParameterSetName = HexSet, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string[] Hex { get; set; } = [];

    /// <summary>One TOA option as bytes, with or without its kind and length.</summary>
    [Parameter(ParameterSetName = ByteSet, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public byte[] Byte { get; set; } = [];

    /// <summary>How long to read the captures (a FIFO that tcpdump writes live, above all); a bare number is seconds.
    /// Without it: to the end of each file, or until the FIFO's writer closes it, or Ctrl+C.</summary>
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [SecondsOrTimeSpan]
    public TimeSpan? Duration { get; set; }

    /// <summary>Option kinds your balancers use, and their layouts: a kind number (port and address), or @{ kind = 'Toa', 'ToaV6' | 'ToaVip' | 'Vtoa' | 'V6Vtoa' | @() }.</summary>
    [Parameter]
    [ToaOptionKind]
    [ValidateNotNull]
    public IDictionary? OptionKind { get; set; }

    protected override void BeginProcessing()
    {
        try
        {
            _map = ToaOptionKindAttribute.ToMap(OptionKind, out _kindHint);
        }
        catch (ArgumentException e)
        {
            ThrowTerminatingError(new DiagError(e, "InvalidOptionKind", ErrorCategory.InvalidArgument, OptionKind,
                "Map kind numbers (2-255) to layouts: -OptionKind 230, or -OptionKind @{ 230 = 'Toa', 'ToaV6'; 200 = @() }.").ToErrorRecord());
        }
        if (Duration is { } d && d <= TimeSpan.Zero)
        {
            ThrowTerminatingError(new DiagError(new ArgumentOutOfRangeException(nameof(Duration), d, "The duration must be positive."),
                "InvalidDuration", ErrorCategory.InvalidArgument, d, "Give a number of seconds such as -Duration 60, or a TimeSpan such as 00:10:00.").ToErrorRecord());
        }
        if (ParameterSetName == TextSet) _text = new TcpdumpTextDecoder(_map);
        _clock.Start();
    }

    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case TextSet:
                // Per line: no copies, and nothing written unless a packet completed.
                foreach (var line in InputObject ?? []) _text!.Push(line, _output);
                if (_output.Count > 0) Flush(null);
                break;
            case PathSet:
                foreach (var path in Path) foreach (var file in Resolve(path, literal: false)) ReadCapture(file);
                break;
            case LiteralPathSet:
                foreach (var path in LiteralPath) foreach (var file in Resolve(path, literal: true)) ReadCapture(file);
                break;
            case HexSet:
                foreach (var hex in Hex)
                {
                    _output.Add(ToaOptionInput.FromHex(hex, _map, _kindHint));
                    Flush(hex);
                }
                break;
            case ByteSet:
                _output.Add(ToaOptionInput.FromBytes(Byte, _map, _kindHint));
                Flush(Byte);
                break;
        }
    }

    protected override void EndProcessing()
    {
        if (_notRead.Count > 0)
        {
            WriteWarning($"-Duration ({Duration}) ended before {_notRead.Count} file(s) were read: {string.Join(", ", _notRead.Take(5))}" +
                         (_notRead.Count > 5 ? ", …" : "") + ". Give a longer -Duration, or read them in a command of their own.");
        }
        if (_text is null) return;
        _text.Complete(_output);
        Flush(null);
        WriteVerbose(string.Create(CultureInfo.InvariantCulture, $"Text read: {_records:N0} TOAs found."));
    }

    private void ReadCapture(string file)
    {
        // -Duration is one deadline for the whole command, whatever number of files it reads.
        TimeSpan? left = Duration is { } d ? d - _clock.Elapsed : null;
        if (left <= TimeSpan.Zero)
        {
            _notRead.Add(file);
            return;
        }
        var reader = new ToaCaptureReader(_map);
        var recordsBefore = _records;
        var progress = new ProgressRecord(ProgressId, "ConvertFrom-Toa", "Reading " + file);
        var watch = Stopwatch.StartNew();
        var shown = TimeSpan.Zero;
        bool waitShown = false;
        foreach (var item in reader.Read(file, StopToken, left))
        {
            if (item is not ToaReadProgress) Write(item, file);
            if (reader.WaitingForWriter && !waitShown)
            {
                // Shown at once: a FIFO nobody writes to yet looks like a hang otherwise.
                waitShown = true;
                progress.StatusDescription = $"Waiting for a program to write to the FIFO {file} (tcpdump -U -w {file} …)";
                progress.PercentComplete = -1;
                WriteProgress(progress);
                shown = watch.Elapsed;
            }
            else if (watch.Elapsed - shown > TimeSpan.FromMilliseconds(500) && !reader.WaitingForWriter)
            {
                shown = watch.Elapsed;
                progress.StatusDescription = $"Reading {file}: packet {reader.Packets:N0}";
                progress.PercentComplete = reader.Length > 0 ? (int)Math.Clamp(reader.Position * 100 / reader.Length, 0, 100) : -1;
                WriteProgress(progress);
            }
        }
        if (shown > TimeSpan.Zero || waitShown)
        {
            progress.RecordType = ProgressRecordType.Completed;
            WriteProgress(progress);
        }
        WriteVerbose(string.Create(CultureInfo.InvariantCulture,
            $"{file}: {reader.Packets:N0} packets read in {watch.Elapsed.TotalMilliseconds:0.0} ms, {_records - recordsBefore:N0} TOAs found."));
    }

    private void Flush(object? target)
    {
        foreach (var item in _output) Write(item, target);
        _output.Clear();
    }

    private void Write(object item, object? target)
    {
        switch (item)
        {
            case ToaRecord record:
                _records++;
                WriteObject(record);
                break;
            case ToaProblem problem:
                WriteDiagError(ToaErrors.From(problem, problem.Line ?? target, fromHex: ParameterSetName is HexSet or ByteSet));
                break;
            // The engine says each notice once per input (a file, or the text stream).
            case ToaNotice { IsVerbose: true } notice:
                WriteVerbose(notice.Message);
                break;
            case ToaNotice notice:
                WriteWarning(notice.Message);
                break;
        }
    }

    /// <summary>Files for a path, through the provider as Get-Content resolves them.</summary>
    private IEnumerable<string> Resolve(string path, bool literal)
    {
        List<string> files;
        ProviderInfo provider;
        try
        {
            if (literal) files = [SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _)];
            else files = [.. GetResolvedProviderPathFromPSPath(path, out provider)];
        }
        catch (ItemNotFoundException e)
        {
            WriteDiagError(new DiagError(e, "PathNotFound", ErrorCategory.ObjectNotFound, path, "Check the path; -Path takes wildcards, -LiteralPath takes the name as written."));
            return [];
        }
        catch (Exception e) when (e is ProviderNotFoundException or System.Management.Automation.DriveNotFoundException or NotSupportedException or ArgumentException)
        {
            WriteDiagError(new DiagError(e, "PathNotFound", ErrorCategory.ObjectNotFound, path, "Give the path of a pcap or pcapng file."));
            return [];
        }
        if (provider.ImplementingType != typeof(Microsoft.PowerShell.Commands.FileSystemProvider))
        {
            WriteDiagError(new DiagError(new ArgumentException($"'{path}' is on the {provider.Name} provider, not a file."),
                "NotAFile", ErrorCategory.InvalidArgument, path, "Give the path of a pcap or pcapng file."));
            return [];
        }
        var result = new List<string>();
        foreach (var file in files)
        {
            if (Directory.Exists(file))
                WriteDiagError(new DiagError(new ArgumentException($"'{file}' is a directory."), "NotAFile", ErrorCategory.InvalidArgument, file,
                    "Give capture files, e.g. -Path /var/tmp/captures/*.pcap."));
            else if (literal && !File.Exists(file))
                WriteDiagError(new DiagError(new ItemNotFoundException($"Cannot find path '{file}' because it does not exist."), "PathNotFound",
                    ErrorCategory.ObjectNotFound, file, "Check the path; -Path takes wildcards, -LiteralPath takes the name as written."));
            else result.Add(file);
        }
        return result;
    }
}
