namespace Broadsheet;

public sealed class DatabaseOptions
{
    /// <summary><c>Sqlite</c> (default, a file in the data folder) or <c>Postgres</c> (uses <c>ConnectionStrings:Broadsheet</c>).</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;
}
