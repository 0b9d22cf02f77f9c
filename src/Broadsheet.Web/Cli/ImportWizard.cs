using System.Globalization;
using Broadsheet.Subscribers;
using Spectre.Console;

namespace Broadsheet.Web.Cli;

/// <summary>
/// `subscribers import` run without a file in a terminal: asks for the file, shows what it found in it (size, rows,
/// which columns it will read), asks the languages for rows that name none, and asks for a last confirmation that the
/// people in it consented. Nothing is written before that answer.
/// </summary>
internal static class ImportWizard
{
    /// <returns>The inspected file and the default languages, or null when the operator declined.</returns>
    public static (SubscriberImportFile Plan, NewsletterLanguages Languages)? Run(IAnsiConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);
        console.Write(new Rule("[bold]Import subscribers[/]").LeftJustified());
        console.MarkupLine("A UTF-8 CSV whose first line names its columns: [bold]email[/] (required), name, language (en, ar or both).");

        SubscriberImportFile? plan = null;
        console.Prompt(new TextPrompt<string>("CSV file:")
            .Validate(path =>
            {
                try
                {
                    plan = SubscriberImporter.Inspect(Path.GetFullPath(path.Trim()));
                    return ValidationResult.Success();
                }
                catch (SubscriberImportException e)
                {
                    return ValidationResult.Error(Markup.Escape(e.Message));
                }
            }));

        var table = new Table().AddColumn("").AddColumn("");
        table.HideHeaders();
        table.AddRow("File", Markup.Escape(plan!.Path));
        table.AddRow("Size", string.Create(CultureInfo.InvariantCulture, $"{plan.Length:N0} bytes"));
        table.AddRow("Rows", string.Create(CultureInfo.InvariantCulture, $"at most {Math.Max(plan.Lines - 1, 1):N0} (after the header)"));
        table.AddRow("Columns read", Columns(plan));
        table.AddRow("Rejected rows go to", Markup.Escape(plan.ReportPath));
        console.Write(table);

        var languages = console.Prompt(new SelectionPrompt<string>()
            .Title("Newsletter language for rows whose language cell is empty:")
            .AddChoices("English", "Arabic", "Both"));
        var defaults = languages switch
        {
            "Arabic" => NewsletterLanguages.Arabic,
            "Both" => NewsletterLanguages.Both,
            _ => NewsletterLanguages.English,
        };

        var go = console.Prompt(new ConfirmationPrompt(
            "Import them as active subscribers of the digest? Only import people who asked for the newsletter: they get no confirmation mail.")
        {
            DefaultValue = false,
        });
        return go ? (plan, defaults) : null;
    }

    private static string Columns(SubscriberImportFile plan)
    {
        var columns = new List<string> { "email" };
        if (plan.NameColumn >= 0)
        {
            columns.Add("name");
        }

        if (plan.LanguageColumn >= 0)
        {
            columns.Add("language");
        }

        if (plan.StatusColumn >= 0)
        {
            columns.Add("status (only active rows are imported)");
        }

        return string.Join(", ", columns);
    }
}
