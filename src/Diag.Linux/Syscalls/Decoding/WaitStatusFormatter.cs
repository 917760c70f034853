using System.Globalization;

namespace Diag.Linux.Syscalls.Decoding;

/// <summary>wait4's status word, as strace prints it: [{WIFEXITED(s) &amp;&amp; WEXITSTATUS(s) == 0}].</summary>
internal static class WaitStatusFormatter
{
    public static string Format(int status)
    {
        var low = status & 0x7f;
        string text;
        if (low == 0)
            text = "WIFEXITED(s) && WEXITSTATUS(s) == " + ((status >> 8) & 0xff).ToString(CultureInfo.InvariantCulture);
        else if ((status & 0xff) == 0x7f)
            text = "WIFSTOPPED(s) && WSTOPSIG(s) == " + SignalFormatter.Name((status >> 8) & 0xff);
        else if (status == 0xffff)
            text = "WIFCONTINUED(s)";
        else
            text = "WIFSIGNALED(s) && WTERMSIG(s) == " + SignalFormatter.Name(low) + ((status & 0x80) != 0 ? " && WCOREDUMP(s)" : "");
        return "[{" + text + "}]";
    }
}
