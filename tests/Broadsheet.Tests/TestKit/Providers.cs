namespace Broadsheet.Tests.TestKit;

/// <summary>Theory data: every data test runs on both databases.</summary>
public static class Providers
{
    public static TheoryData<DatabaseProvider> Both => new() { DatabaseProvider.Sqlite, DatabaseProvider.Postgres };
}
