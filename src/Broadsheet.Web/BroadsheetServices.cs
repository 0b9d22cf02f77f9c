using Microsoft.Extensions.DependencyInjection.Extensions;
using Broadsheet.Cluster;
using Broadsheet.Data;
using Broadsheet.Delivery;
using Broadsheet.Privacy;
using Broadsheet.Subscribers;
using Broadsheet.Publishing;
using Broadsheet.Settings;
using Broadsheet.Staff;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Broadsheet.Web;

/// <summary>What the web host and the CLI share: options, the database and the library services.</summary>
internal static class BroadsheetServices
{
    public static BroadsheetOptions AddBroadsheet(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(BroadsheetOptions.SectionName).Get<BroadsheetOptions>() ?? new BroadsheetOptions();
        // A relative data folder is taken from where the command was started, as a user expects.
        options.DataDirectory = Path.GetFullPath(options.DataDirectory, Directory.GetCurrentDirectory());
        Directory.CreateDirectory(options.DataDirectory);

        services.AddSingleton(Options.Create(options));
        services.TryAddSingleton(TimeProvider.System);
        services.AddBroadsheetData(options, configuration.GetConnectionString(BroadsheetData.ConnectionStringName));
        services.AddBroadsheetCluster(options, configuration.GetConnectionString(BroadsheetData.ConnectionStringName));
        services.AddSingleton<MarkdownRenderer>();
        services.AddScoped<PostService>();
        services.AddScoped<Broadsheet.Publishing.Media.MediaLibrary>();
        services.AddScoped<DemoContentLoader>();
        services.AddScoped<Broadsheet.Newsletter.EditionPlanner>();
        services.AddScoped<Broadsheet.Newsletter.DigestSelector>();
        services.AddSingleton<Broadsheet.Newsletter.NewsletterTemplateEngine>();
        services.AddScoped<Broadsheet.Newsletter.NewsletterTemplates>();
        services.AddScoped<Broadsheet.Newsletter.DigestRenderer>();
        services.AddScoped<Broadsheet.Newsletter.NewsletterTracking>();
        services.AddSingleton<Broadsheet.Newsletter.Readership>();
        services.AddScoped<Broadsheet.Newsletter.EditionService>();

        // The keys live outside the database: made lazily so a command that never touches subscribers never makes one.
        services.AddSingleton(_ => PrivacyKeys.LoadOrCreate(options.DataDirectory, options.Privacy.MasterKey));
        services.AddSingleton<AddressProtector>();
        services.AddSingleton<TokenSigner>();
        // Every instance on one database must hold the same key: checked at start by the web host and the CLI.
        services.AddScoped<PrivacyKeyCheck>();
        services.AddSingleton<KeyRingSealer>();
        services.AddSingleton<SettingsSignal>();
        services.AddSingleton<SettingsBaseline>();
        services.AddScoped<SettingsService>();
        services.AddScoped<MailSettingsCheck>();
        // Built from the settings, and built again when an administrator changes them.
        services.TryAddSingleton<IMailTransport, ReconfigurableTransport>();
        services.AddSingleton<DeliverySignal>();
        services.AddSingleton<ReturnPath>();
        services.AddSingleton<DkimMessageSigner>();
        services.AddSingleton<DeliveryComposer>();
        services.AddSingleton<DeliveryDispatcher>();
        services.AddScoped<SendService>();
        services.AddScoped<BounceProcessor>();
        services.AddSingleton<BounceMailbox>();
        services.AddScoped<SubscriptionService>();
        services.AddSingleton<IPasswordHasher<StaffMember>, PasswordHasher<StaffMember>>();
        services.AddScoped<StaffService>();
        return options;
    }
}
