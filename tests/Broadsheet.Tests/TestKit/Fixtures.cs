namespace Broadsheet.Tests.TestKit;

/// <summary>Files in ../shared/fixtures beside the repository, found by walking up from the test binaries.</summary>
public static class Fixtures
{
    public static string Path(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "shared", "fixtures", name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"Fixture {name} not found in a shared/fixtures folder above {AppContext.BaseDirectory}.");
    }
}
