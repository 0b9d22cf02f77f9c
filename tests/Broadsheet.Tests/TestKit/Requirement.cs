namespace Broadsheet.Tests.TestKit;

/// <summary>
/// A test that needs something the machine lacks (PostgreSQL, Chromium) skips with the reason on a
/// developer's machine, and fails when CI=true, where .ci/run has installed everything.
/// </summary>
public static class Requirement
{
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static void Missing(string reason)
    {
        if (InCi)
        {
            Assert.Fail($"{reason} CI=true, so this is a failure rather than a skip.");
        }

        Assert.Skip(reason);
    }
}
