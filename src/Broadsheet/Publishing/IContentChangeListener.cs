namespace Broadsheet.Publishing;

/// <summary>Told whenever public content changes, so that caches can drop what they hold.</summary>
public interface IContentChangeListener
{
    Task ContentChangedAsync(CancellationToken cancellationToken);
}
