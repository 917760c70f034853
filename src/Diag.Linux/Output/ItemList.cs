using System.Collections;
using System.Runtime.CompilerServices;

namespace Diag.Linux.Output;

/// <summary>
/// The list type of every output property that holds several values (peers, frames, errno counts, histogram buckets):
/// immutable, and read as its items joined by ", " wherever PowerShell turns it into text — Export-Csv, string
/// interpolation, a table cell — instead of "System.Object[]". ConvertTo-Json and remoting still see a list of
/// objects (remoting keeps them as objects when the owning type's SerializationDepth reaches them, set in module/*.types.ps1xml).
/// It is a read-only <see cref="IList"/> so that remoting sends it as a list (&lt;LST&gt;) and brings back an ArrayList:
/// a mere enumerable comes back as an object on which member enumeration ($list.Name) finds nothing.
/// </summary>
[CollectionBuilder(typeof(ItemList), nameof(ItemList.Create))]
public sealed class ItemList<T> : IReadOnlyList<T>, IList
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

    // IList, read-only: what PowerShell's serializer asks of a list.
    object? IList.this[int index]
    {
        get => _items[index];
        set => throw new NotSupportedException("an ItemList is read-only");
    }

    bool IList.IsReadOnly => true;

    bool IList.IsFixedSize => true;

    bool ICollection.IsSynchronized => false;

    object ICollection.SyncRoot => _items;

    int IList.Add(object? value) => throw new NotSupportedException("an ItemList is read-only");

    void IList.Clear() => throw new NotSupportedException("an ItemList is read-only");

    void IList.Insert(int index, object? value) => throw new NotSupportedException("an ItemList is read-only");

    void IList.Remove(object? value) => throw new NotSupportedException("an ItemList is read-only");

    void IList.RemoveAt(int index) => throw new NotSupportedException("an ItemList is read-only");

    bool IList.Contains(object? value) => ((IList)_items).Contains(value);

    int IList.IndexOf(object? value) => ((IList)_items).IndexOf(value);

    void ICollection.CopyTo(Array array, int index) => _items.CopyTo(array, index);
}

/// <summary>Builds <see cref="ItemList{T}"/>s.</summary>
public static class ItemList
{
    public static ItemList<T> Of<T>(IEnumerable<T> items) => new(items);

    /// <summary>For collection expressions (<c>[]</c>, <c>[a, b]</c>).</summary>
    public static ItemList<T> Create<T>(ReadOnlySpan<T> items) => new(items.ToArray());
}
