using Broadsheet.Data;
using Broadsheet.Delivery;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Broadsheet.Tests.TestKit;

/// <summary>Waiting for the outbox: mail goes out in the background, so a test waits until nothing is left to send.</summary>
public static class Deliveries
{
    private static readonly DeliveryState[] Open = [DeliveryState.Pending, DeliveryState.Claimed, DeliveryState.Unknown];

    /// <summary>Waits until the host's dispatcher has sent (or settled) every delivery that is due now.</summary>
    public static async Task SettledAsync(IServiceProvider services, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            await using (var scope = services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<BroadsheetDb>();
                // A send still being materialised has rows to come.
                if (!await db.Sends.AnyAsync(s => s.Status == SendStatus.Materialising) && !await db.Deliveries.AnyAsync(d => Open.Contains(d.State)))
                {
                    return;
                }
            }

            Assert.True(DateTime.UtcNow < deadline, "The outbox did not settle in time.");
            await Task.Delay(20);
        }
    }

    /// <summary>For a test site: waits for its background delivery worker.</summary>
    public static Task MailSettledAsync(this TestSite site) => SettledAsync(site.Services);

    /// <summary>For library tests, where no worker runs: sends what is due, in the foreground.</summary>
    public static async Task DeliverAsync(this TestServices services)
    {
        await using var scope = services.Scope();
        await scope.ServiceProvider.GetRequiredService<DeliveryDispatcher>().RunUntilIdleAsync(TestContext.Current.CancellationToken);
    }
}
