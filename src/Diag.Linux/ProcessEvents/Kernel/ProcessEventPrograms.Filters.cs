using Diag.Linux.Bpf;
using static Diag.Linux.Bpf.BpfRegister;
using C = Diag.Linux.Bpf.BpfCondition;
using S = Diag.Linux.Bpf.BpfSize;

namespace Diag.Linux.ProcessEvents.Kernel;

// The filters evaluated in the kernel: an event that does not pass costs its tracepoint and these few lookups, and
// is never written. Each filter is in the program only when asked for.
internal sealed partial class ProcessEventPrograms
{
    private const int DescendantMark = 2;

    /// <summary>
    /// Goes to <paramref name="out"/> unless the event about the task in SlotTask passes every filter asked for.
    /// The descendant set is kept first, whatever the other filters say: a fork below a watched parent joins it, an
    /// exit leaves it. <paramref name="checkExecutable"/> false skips the -Path check (a script, a failed exec: the
    /// kernel knows no file for them; user space compares the path text). Clobbers r0–r5.
    /// </summary>
    private void Filters(int kind, BpfAssembler.Label @out, bool checkExecutable)
    {
        if (_settings.Parents == ParentFilterMode.Descendants)
            DescendantFilter(kind, @out);
        if (_settings.Parents == ParentFilterMode.Children)
        {
            _a.Load(S.DoubleWord, R1, R10, SlotTask);
            _a.Load(S.DoubleWord, R1, R1, _offsets.TaskRealParent);
            _a.Load(S.Word, R1, R1, _offsets.TaskTgid);
            _a.Store(S.Word, R10, SlotSmallKey, R1);
            Lookup(_maps.Parents!, SlotSmallKey);
            _a.JumpIf(C.Equal, R0, 0, @out);
        }
        if (_settings.FilterUsers)
        {
            _a.Load(S.DoubleWord, R1, R10, SlotTask);
            _a.Load(S.DoubleWord, R1, R1, _offsets.TaskRealCred);
            _a.Load(S.Word, R1, R1, _offsets.CredUid);
            _a.Store(S.Word, R10, SlotSmallKey, R1);
            Lookup(_maps.Users!, SlotSmallKey);
            _a.JumpIf(C.Equal, R0, 0, @out);
        }
        if (_settings.FilterNames)
        {
            _a.Load(S.DoubleWord, R2, R10, SlotTask);
            _a.Load(S.DoubleWord, R2, R2, _offsets.TaskGroupLeader);
            CopyComm(R10, SlotCommKey, R2, _offsets.TaskComm);
            LowerCaseComm();
            Lookup(_maps.Names!, SlotCommKey);
            _a.JumpIf(C.Equal, R0, 0, @out);
        }
        if (_settings.FilterExecutables && checkExecutable)
        {
            var unknown = _a.NewLabel();
            _a.Load(S.DoubleWord, R1, R10, SlotExeFile);
            _a.JumpIf(C.Equal, R1, 0, unknown);              // no file known here: user space decides
            if (kind == ProcessRecordLayout.KindExec)
            {
                _a.Load(S.DoubleWord, R1, R10, SlotFlags);
                _a.JumpIf(C.AnyBitSet, R1, ProcessRecordLayout.FlagScript, unknown); // the file is the interpreter
            }
            Lookup(_maps.ExecutableFilter!, SlotExeKey);
            _a.JumpIf(C.Equal, R0, 0, @out);
            _a.Mark(unknown);
        }
    }

    /// <summary>The comm in SlotCommKey in ASCII lower case: names match without regard to case, as Get-Process
    /// -Name does (the map holds the names in lower case). Clobbers r1.</summary>
    private void LowerCaseComm()
    {
        for (short i = 0; i < 16; i++)
        {
            var next = _a.NewLabel();
            _a.Load(S.Byte, R1, R10, (short)(SlotCommKey + i));
            _a.JumpIf(C.Less, R1, 'A', next);
            _a.JumpIf(C.Greater, R1, 'Z', next);
            _a.Add(R1, 'a' - 'A');
            _a.Store(S.Byte, R10, (short)(SlotCommKey + i), R1);
            _a.Mark(next);
        }
    }

    private void DescendantFilter(int kind, BpfAssembler.Label @out)
    {
        var parents = _maps.Parents!;
        if (kind == ProcessRecordLayout.KindFork)
        {
            // The child joins when its parent is in the set (given or a descendant).
            _a.Load(S.DoubleWord, R1, R10, SlotTask);
            _a.Load(S.DoubleWord, R1, R1, _offsets.TaskRealParent);
            _a.Load(S.Word, R1, R1, _offsets.TaskTgid);
            _a.Store(S.Word, R10, SlotSmallKey, R1);
            Lookup(parents, SlotSmallKey);
            _a.JumpIf(C.Equal, R0, 0, @out);
            var joined = _a.NewLabel();
            _a.Load(S.DoubleWord, R1, R10, SlotTask);
            _a.Load(S.Word, R1, R1, _offsets.TaskTgid);
            _a.Store(S.Word, R10, SlotSmallKey, R1);
            _a.Store(S.Word, R10, SlotSmallKey + 4, DescendantMark);
            Update(parents, SlotSmallKey, SlotSmallKey + 4, Interop.Libc.BPF_ANY);
            _a.JumpIf(C.Equal, R0, 0, joined);
            CountLost(LostSlots.DescendantsFull);
            _a.Mark(joined);
            return;
        }

        _a.Load(S.DoubleWord, R1, R10, SlotTask);
        _a.Load(S.Word, R1, R1, _offsets.TaskTgid);
        _a.Store(S.Word, R10, SlotSmallKey, R1);
        Lookup(parents, SlotSmallKey);
        _a.JumpIf(C.Equal, R0, 0, @out);
        _a.Load(S.Word, R1, R0, 0);
        if (kind == ProcessRecordLayout.KindExit)
        {
            // Gone: out of the set, so that a reused process id is not taken for a descendant.
            _a.Store(S.DoubleWord, R10, SlotRead, R1);
            _a.LoadMap(R1, parents);
            _a.Mov(R2, R10);
            _a.Add(R2, SlotSmallKey);
            _a.Call(BpfHelper.MapDeleteElem);
            _a.Load(S.DoubleWord, R1, R10, SlotRead);
        }
        _a.JumpIf(C.NotEqual, R1, DescendantMark, @out);      // the given parents themselves are not their descendants
    }
}
