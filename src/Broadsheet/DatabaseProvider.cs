namespace Broadsheet;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}
