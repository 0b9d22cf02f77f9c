using System.CommandLine;
using Broadsheet.Delivery;

namespace Broadsheet.Web.Cli;

/// <summary>
/// <c>dkim init --domain D --selector S [--force]</c> and <c>dkim show</c>: make the signing key and print the DNS
/// record that publishes it. Answers go to standard output; errors to standard error. The private key is never printed.
/// </summary>
internal static class DkimCommand
{
    public static Command Create() => new("dkim", "Make the DKIM signing key and print the DNS record for it.")
    {
        Init(),
        Show(),
    };

    private static Command Init()
    {
        var domain = new Option<string>("--domain") { Description = "The domain mail is sent from (the From address's), e.g. example.org.", Required = true };
        var selector = new Option<string>("--selector") { Description = "A name for this key, e.g. broadsheet1; a new one for each rotation.", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace an existing key for this selector (mail signed with it stops verifying until DNS has the new record)." };
        var command = new Command(
            "init",
            "Make a 2048-bit RSA key in the data folder (dkim/SELECTOR.DOMAIN.pem, mode 0600) and print its DNS TXT record and the settings that turn signing on.")
        {
            domain, selector, force,
        };
        command.SetAction(result =>
        {
            // Checked before the configuration is read, which creates the data folder: bad input writes nothing.
            if (!DkimIdentity.TryCreate(result.GetValue(domain), result.GetValue(selector), out var identity, out var problem))
            {
                return CliHost.Fail(problem);
            }

            BroadsheetOptions options;
            try
            {
                options = ReadOptions();
            }
            catch (InvalidOperationException e)
            {
                return CliHost.Fail(e.Message);
            }

            var path = DkimKeyFile.DefaultPath(options.DataDirectory, identity);
            var overwrite = result.GetValue(force);
            if (File.Exists(path) && !overwrite)
            {
                return CliHost.Fail(
                    $"a key for {identity.RecordName} already exists in {path}. To rotate, make a key under a new selector " +
                    $"(dkim init --domain {identity.Domain} --selector NEW-SELECTOR); pass --force only to replace this one.");
            }

            DkimDnsRecord record;
            try
            {
                record = DkimKeyFile.Create(path, identity, overwrite);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return CliHost.Fail($"the key could not be written to {path}: {e.Message}");
            }

            Console.Out.WriteLine($"""
                Publish this DNS TXT record for {identity.Domain}:

                """);
            WriteRecord(record);
            Console.Out.WriteLine($"""

                Once it resolves (dig +short TXT {record.Name}), turn signing on with:

                Broadsheet__Mail__Dkim__Domain={identity.Domain}
                Broadsheet__Mail__Dkim__Selector={identity.Selector}

                key {path}
                """);
            Console.Error.WriteLine("The private key file is readable only by its owner. Back it up with the data folder; never share it.");

            var configured = options.Mail.Dkim.KeyFile;
            if (!string.IsNullOrWhiteSpace(configured) && !string.Equals(Path.GetFullPath(configured.Trim()), path, StringComparison.Ordinal))
            {
                Console.Error.WriteLine($"note: Broadsheet:Mail:Dkim:KeyFile is set to {configured}; clear it (or point it at {path}) to sign with this key.");
            }

            return 0;
        });
        return command;
    }

    private static Command Show()
    {
        var domain = new Option<string?>("--domain") { Description = "Another key's domain (default: Broadsheet:Mail:Dkim:Domain)." };
        var selector = new Option<string?>("--selector") { Description = "Another key's selector (default: Broadsheet:Mail:Dkim:Selector)." };
        var command = new Command("show", "Print the DNS TXT record for the configured DKIM key (or for --domain and --selector).") { domain, selector };
        command.SetAction(result =>
        {
            try
            {
                var options = ReadOptions();
                DkimIdentity? identity;
                string path;
                if (result.GetValue(domain) is null && result.GetValue(selector) is null)
                {
                    identity = DkimIdentity.FromOptions(options.Mail.Dkim);
                    if (identity is null)
                    {
                        return CliHost.Fail(
                            "DKIM is not configured: set Broadsheet__Mail__Dkim__Domain and Broadsheet__Mail__Dkim__Selector " +
                            "(run `dkim init --domain D --selector S` first), or give --domain and --selector.");
                    }

                    path = DkimKeyFile.PathFor(options, identity);
                }
                else
                {
                    var configured = options.Mail.Dkim;
                    if (!DkimIdentity.TryCreate(result.GetValue(domain) ?? configured.Domain, result.GetValue(selector) ?? configured.Selector, out identity, out var problem))
                    {
                        return CliHost.Fail(problem);
                    }

                    path = DkimKeyFile.DefaultPath(options.DataDirectory, identity);
                }

                WriteRecord(DkimKeyFile.ReadRecord(path, identity));
                Console.Out.WriteLine($"key {path}");
                return 0;
            }
            catch (InvalidOperationException e)
            {
                // A DkimConfigurationException, or another configuration mistake: both already say what to fix.
                return CliHost.Fail(e.Message);
            }
        });
        return command;
    }

    // Labelled lines, so a script (or a test) can pick one out: `... dkim show | sed -n 's/^value //p'`.
    private static void WriteRecord(DkimDnsRecord record) =>
        Console.Out.WriteLine($"""
            name {record.Name}
            type TXT
            value {record.Value}
            zone {record.ZoneFileLine}
            """);

    // Only the configuration: a key needs no database, so none is opened or migrated.
    private static BroadsheetOptions ReadOptions()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        return builder.Services.AddBroadsheet(builder.Configuration);
    }
}
