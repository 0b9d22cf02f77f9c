using Broadsheet.Data;
using Broadsheet.Subscribers;
using Broadsheet.Tests.TestKit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Broadsheet.Tests.Subscribers;

/// <summary>Rules of the subscription service that need a clock: link lifetime, the daily resend, the hourly cap.</summary>
public sealed class SubscriptionServiceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static SignupRequest Signup(string address) =>
        new() { Email = address, PageLanguage = "en", Source = "test", Languages = NewsletterLanguages.English };

    private static async Task<string> TokenAsync(TestServices services, int index = 0) =>
        Outbox.ConfirmPath((await SentAsync(services))[index])["/confirm/".Length..];

    // Confirmations go through the outbox; no worker runs here, so the test sends what is due first.
    private static async Task<IReadOnlyList<MimeKit.MimeMessage>> SentAsync(TestServices services)
    {
        await services.DeliverAsync();
        return Outbox.Messages(services.Environment);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_confirmation_link_expires_after_seven_days(DatabaseProvider provider)
    {
        await using var services = await TestServices.CreateAsync(provider);
        await services.InScopeAsync(sp => sp.GetRequiredService<SubscriptionService>().SignupAsync(Signup("late@example.org"), Ct));
        var token = await TokenAsync(services);

        services.Clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1));
        Assert.Null(await services.InScopeAsync(sp => sp.GetRequiredService<SubscriptionService>().ConfirmAsync(token, "test", Ct)));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task A_new_signup_a_day_later_sends_a_fresh_link_and_the_old_one_stops_working(DatabaseProvider provider)
    {
        await using var services = await TestServices.CreateAsync(provider);
        await services.InScopeAsync(sp => sp.GetRequiredService<SubscriptionService>().SignupAsync(Signup("twice@example.org"), Ct));
        services.Clock.Advance(TimeSpan.FromHours(23));
        await services.InScopeAsync(sp => sp.GetRequiredService<SubscriptionService>().SignupAsync(Signup("twice@example.org"), Ct));
        Assert.Single((await SentAsync(services)));

        services.Clock.Advance(TimeSpan.FromHours(2));
        await services.InScopeAsync(sp => sp.GetRequiredService<SubscriptionService>().SignupAsync(Signup("twice@example.org"), Ct));
        Assert.Equal(2, (await SentAsync(services)).Count);

        var tokens = new[] { await TokenAsync(services, 0), await TokenAsync(services, 1) };
        Assert.Null(await services.InScopeAsync(sp => sp.GetRequiredService<SubscriptionService>().ConfirmAsync(tokens[0], "test", Ct)));
        Assert.NotNull(await services.InScopeAsync(sp => sp.GetRequiredService<SubscriptionService>().ConfirmAsync(tokens[1], "test", Ct)));
    }

    [Fact]
    public async Task The_hourly_cap_holds_however_many_addresses_sign_up()
    {
        await using var services = await TestServices.CreateAsync(DatabaseProvider.Sqlite);
        var cap = new BroadsheetOptions().Mail.ConfirmationsPerHour;
        for (var i = 0; i < cap + 25; i++)
        {
            var result = await services.InScopeAsync(sp => sp.GetRequiredService<SubscriptionService>().SignupAsync(Signup($"crowd{i}@example.org"), Ct));
            Assert.True(result.Accepted);
        }

        Assert.Equal(cap, (await SentAsync(services)).Count);
        Assert.Equal(cap + 25, await services.InScopeAsync(sp => sp.GetRequiredService<BroadsheetDb>().Subscribers.CountAsync(Ct)));
    }
}
