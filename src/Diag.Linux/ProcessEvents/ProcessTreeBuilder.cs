namespace Diag.Linux.ProcessEvents;

/// <summary>
/// Who spawned whom during a watch, built from its events: each process under the process that forked it (a process
/// seen only as a parent is a root), named after the last program it executed. Siblings running the same program
/// fold into one node (respawns), and so does a program's child running the same program (a fork loop's chain), so
/// that ten thousand forks of a loop are one line with their count.
/// </summary>
internal sealed class ProcessTreeBuilder
{
    private const int MaxProcesses = 1_000_000;

    private readonly Dictionary<int, Node> _current = new();
    private readonly List<Node> _all = new();
    private int _dropped;

    private sealed class Node
    {
        public int ProcessId, ParentId, Forks, Execs, Exits;
        public string Name = "";
        public string? Path, CommandLine;
        public DateTime FirstSeen, LastSeen;
        public Node? Parent;
        public readonly List<Node> Children = new();
        public bool Exited;
    }

    /// <summary>Processes left out because the tree reached its size limit.</summary>
    public int Dropped => _dropped;

    public void Add(ProcessEvent e)
    {
        switch (e.EventKind)
        {
            case ProcessEventKind.Fork:
            {
                var parent = NodeOf(e.ParentId, e.ParentName, null, e.Timestamp, create: true)!;
                parent.Forks++;
                parent.LastSeen = e.Timestamp;
                if (_all.Count >= MaxProcesses)
                {
                    _dropped++;
                    return;
                }
                var child = new Node { ProcessId = e.ProcessId, ParentId = e.ParentId, Name = e.Name, Path = e.Path, FirstSeen = e.Timestamp, LastSeen = e.Timestamp, Parent = parent };
                parent.Children.Add(child);
                _current[e.ProcessId] = child; // a reused id: the old node stays where it was
                _all.Add(child);
                break;
            }
            case ProcessEventKind.Exec when e.Error is null:
            {
                var node = NodeOf(e.ProcessId, e.Name, e.Path, e.Timestamp, create: true, e.ParentId, e.ParentName)!;
                node.Execs++;
                node.Name = e.Name;
                node.Path = e.Path;
                node.CommandLine ??= e.CommandLine;
                node.LastSeen = e.Timestamp;
                break;
            }
            case ProcessEventKind.Exit:
            {
                if (NodeOf(e.ProcessId, e.Name, e.Path, e.Timestamp, create: true, e.ParentId, e.ParentName) is { } node)
                {
                    node.Exits++;
                    node.Exited = true;
                    node.LastSeen = e.Timestamp;
                }
                _current.Remove(e.ProcessId);
                break;
            }
        }
    }

    /// <summary>The folded tree, depth first, siblings in the order they appeared.</summary>
    public List<ProcessTreeNode> Build()
    {
        var roots = _all.Where(n => n.Parent is null).ToList();
        foreach (var root in roots.Where(r => r.Path is null))
            root.Path = ProgramNow(root.ProcessId); // a root ran before the watch: its program, if it still runs
        var groups = Fold(roots);
        var lines = new List<ProcessTreeNode>();
        foreach (var (group, index) in groups.Select((g, i) => (g, i)))
            Emit(group, 0, "", index == groups.Count - 1, isRoot: true, lines);
        return lines;
    }

    private Node? NodeOf(int pid, string name, string? path, DateTime time, bool create, int parentId = 0, string parentName = "")
    {
        if (_current.TryGetValue(pid, out var node))
            return node;
        if (!create || _all.Count >= MaxProcesses)
            return null;
        // Seen for the first time without its fork: it ran before the watch. Under its parent when that is known.
        Node? parent = null;
        if (parentId > 0)
            parent = _current.TryGetValue(parentId, out var p) ? p : NodeOf(parentId, parentName, null, time, create: true);
        node = new Node { ProcessId = pid, ParentId = parentId, Name = name, Path = path, FirstSeen = time, LastSeen = time, Parent = parent };
        parent?.Children.Add(node);
        _current[pid] = node;
        _all.Add(node);
        return node;
    }

    private static string? ProgramNow(int pid)
    {
        try
        {
            return new FileInfo("/proc/" + pid.ToString(System.Globalization.CultureInfo.InvariantCulture) + "/exe").LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private sealed class Group
    {
        public required string Name;
        public required string? Path;
        public readonly List<Node> Members = new();
        public List<Group> Children = new();
    }

    /// <summary>Siblings by program, then a child group running its parent group's program absorbed into it.</summary>
    private static List<Group> Fold(IEnumerable<Node> siblings)
    {
        var groups = new List<Group>();
        var byProgram = new Dictionary<(string, string?), Group>();
        foreach (var node in siblings)
        {
            if (!byProgram.TryGetValue((node.Name, node.Path), out var group))
            {
                group = new Group { Name = node.Name, Path = node.Path };
                byProgram[(node.Name, node.Path)] = group;
                groups.Add(group);
            }
            group.Members.Add(node);
        }
        foreach (var group in groups)
        {
            // A chain (a loop forking itself) is absorbed level by level, without recursion as deep as the chain.
            var below = group.Members.SelectMany(m => m.Children).ToList();
            while (true)
            {
                var same = below.Where(n => n.Name == group.Name && n.Path == group.Path).ToList();
                if (same.Count == 0)
                    break;
                group.Members.AddRange(same);
                below = below.Except(same).Concat(same.SelectMany(s => s.Children)).ToList();
            }
            group.Children = Fold(below.OrderBy(n => n.FirstSeen));
        }
        return groups;
    }

    private static void Emit(Group group, int depth, string indent, bool last, bool isRoot, List<ProcessTreeNode> lines)
    {
        var first = group.Members.MinBy(m => m.FirstSeen)!;
        lines.Add(new ProcessTreeNode
        {
            Depth = depth,
            Branch = isRoot ? "" : indent + (last ? "└─ " : "├─ "),
            Name = group.Name,
            Path = group.Path,
            ProcessId = first.ProcessId,
            ParentId = first.ParentId,
            Processes = group.Members.Count,
            CommandLine = group.Members.Select(m => m.CommandLine).FirstOrDefault(c => c is not null),
            Forks = group.Members.Sum(m => m.Forks),
            Execs = group.Members.Sum(m => m.Execs),
            Exits = group.Members.Sum(m => m.Exits),
            FirstSeen = first.FirstSeen,
            LastSeen = group.Members.Max(m => m.LastSeen),
        });
        var childIndent = isRoot ? "" : indent + (last ? "   " : "│  ");
        for (var i = 0; i < group.Children.Count; i++)
            Emit(group.Children[i], depth + 1, childIndent, i == group.Children.Count - 1, isRoot: false, lines);
    }
}
