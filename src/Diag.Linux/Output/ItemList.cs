using System.Collections;
using System.Runtime.CompilerServices;

namespace Diag.Linux.Output;

/// <summary>
/// The list type of every output property that holds several values (peers, frames, errno counts, histogram buckets):
/// immutable, and read as its items joined by ", " wherever PowerShell turns it into text — Export-Csv, string
/// interpolation, a table cell — instead of "System.Object[]". ConvertTo-Json and remoting still see a list of
/// objects (remoting keeps them as objects when the owning type's SerializationDepth reaches them, set in module/*.types.ps1xml).
/// </summary>
[CollectionBuilder(typeof(ItemList), nameof(ItemList.Create))]
public sealed class ItemList<T> : IReadOnlyList<T>
{
    private readonly T[] _items;

    public ItemList(IEnumerable<T> items) => _items = items.ToArray();

    /// <summary>The empty list.</summary>
    public static ItemList<T> Empty { get; } = new([]);

    public T this[int index] => _items[index];

    public int Count => _items.Length;

    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

    /// <summary>The engine builds lists as arrays; the output property holds them as an ItemList.</summary>
    public static implicit operator ItemList<T>(T[] items) => new(items);

    /// <summary>The items as text, joined by ", " (what Export-Csv writes).</summary>
    public override string ToString() => string.Join(", ", _items);
}

/// <summary>Builds <see cref="ItemList{T}"/>s.</summary>
public static class ItemList
{
    public static ItemList<T> Of<T>(IEnumerable<T> items) => new(items);

    /// <summary>For collection expressions (<c>[]</c>, <c>[a, b]</c>).</summary>
    public static ItemList<T> Create<T>(ReadOnlySpan<T> items) => new(items.ToArray());
}
