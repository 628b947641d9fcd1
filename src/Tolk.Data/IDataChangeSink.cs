namespace Tolk.Data;

/// <summary>Told after every successful save, so read-side snapshots can be invalidated.</summary>
public interface IDataChangeSink
{
    /// <summary>Called after a save that touched any of <paramref name="entityTypes"/>.</summary>
    void OnDataChanged(IReadOnlyCollection<Type> entityTypes);
}
