namespace Diag.Linux.Tests.Tracing.Differential;

/// <summary>
/// Aligns two sequences of keys (one thread's calls in strace's trace and in Diag's) with Myers' O(ND)
/// difference algorithm: the longest common subsequence, as <c>diff</c> finds it. Returns the index
/// pairs of the matched elements, in order.
/// </summary>
internal static class SequenceAlignment
{
    /// <summary>Beyond this many differences the two traces are not the same run of the program; the
    /// alignment stops and reports what it matched before.</summary>
    private const int MaxDifferences = 4000;

    public static List<(int Left, int Right)> Align(IReadOnlyList<string> left, IReadOnlyList<string> right)
    {
        var n = left.Count;
        var m = right.Count;
        var max = Math.Min(n + m, MaxDifferences);
        var offset = max + 1;
        var v = new int[2 * max + 3];
        var trace = new List<int[]>();
        var found = -1;
        for (var d = 0; d <= max && found < 0; d++)
        {
            trace.Add((int[])v.Clone());
            for (var k = -d; k <= d; k += 2)
            {
                int x;
                if (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]))
                    x = v[offset + k + 1];
                else
                    x = v[offset + k - 1] + 1;
                var y = x - k;
                while (x < n && y < m && left[x] == right[y])
                {
                    x++;
                    y++;
                }
                v[offset + k] = x;
                if (x >= n && y >= m)
                {
                    found = d;
                    break;
                }
            }
        }
        if (found < 0)
            return Greedy(left, right);

        // Walk back through the saved frontiers to recover the matched diagonal runs.
        var pairs = new List<(int, int)>();
        var cx = n;
        var cy = m;
        for (var d = found; d > 0; d--)
        {
            var vd = trace[d]; // the frontier after d - 1 differences
            var k = cx - cy;
            var down = k == -d || (k != d && vd[offset + k - 1] < vd[offset + k + 1]);
            var previousK = down ? k + 1 : k - 1;
            var previousX = vd[offset + previousK];
            var previousY = previousX - previousK;
            // The snake of step d starts after the insertion (down) or deletion (right) and ends at (cx, cy).
            var snakeX = down ? previousX : previousX + 1;
            var snakeY = snakeX - k;
            while (cx > snakeX && cy > snakeY)
            {
                pairs.Add((cx - 1, cy - 1));
                cx--;
                cy--;
            }
            cx = previousX;
            cy = previousY;
        }
        while (cx > 0 && cy > 0)
        {
            pairs.Add((cx - 1, cy - 1));
            cx--;
            cy--;
        }
        pairs.Reverse();
        return pairs;
    }

    /// <summary>For traces too different for Myers within its bound: match each left key with the next equal right key.</summary>
    private static List<(int, int)> Greedy(IReadOnlyList<string> left, IReadOnlyList<string> right)
    {
        var pairs = new List<(int, int)>();
        var j = 0;
        for (var i = 0; i < left.Count && j < right.Count; i++)
        {
            var next = j;
            while (next < right.Count && next - j < 50 && right[next] != left[i])
                next++;
            if (next < right.Count && right[next] == left[i])
            {
                pairs.Add((i, next));
                j = next + 1;
            }
        }
        return pairs;
    }
}
