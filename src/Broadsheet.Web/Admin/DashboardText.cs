using System.Globalization;

namespace Broadsheet.Web.Admin;

/// <summary>The dashboard charts' words in each language; both stay in step here.</summary>
public sealed class DashboardText
{
    public static readonly DashboardText English = new()
    {
        Language = Broadsheet.Language.English,
        Charts = "The last twelve weeks",
        GrowthTitle = "New active subscribers per week",
        GrowthSeries = "New active subscribers",
        ConsentTitle = "Confirmations and unsubscribes per week",
        ConfirmationsSeries = "Confirmations",
        UnsubscribesSeries = "Unsubscribes",
        PostsTitle = "Posts published per week",
        PostsSeries = "Posts published",
        WeekOf = "Week of",
        Numbers = "The numbers",
        NoData = "Nothing yet in the last twelve weeks.",
        Summary = "{0}, last twelve weeks: {1} in all; the most, {2}, in the week of {3}.",
        SummaryEmpty = "{0}, last twelve weeks: none.",
        Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    };

    public static readonly DashboardText Arabic = new()
    {
        Language = Broadsheet.Language.Arabic,
        Charts = "الأسابيع الاثنا عشر الأخيرة",
        GrowthTitle = "المشتركون الفاعلون الجدد في كل أسبوع",
        GrowthSeries = "المشتركون الفاعلون الجدد",
        ConsentTitle = "التأكيدات وإلغاءات الاشتراك في كل أسبوع",
        ConfirmationsSeries = "التأكيدات",
        UnsubscribesSeries = "إلغاءات الاشتراك",
        PostsTitle = "المواد المنشورة في كل أسبوع",
        PostsSeries = "المواد المنشورة",
        WeekOf = "أسبوع",
        Numbers = "الأرقام",
        NoData = "لا شيء بعد في الأسابيع الاثني عشر الأخيرة.",
        Summary = "{0}، آخر اثني عشر أسبوعاً: {1} في المجموع؛ وأكثرها {2} في أسبوع {3}.",
        SummaryEmpty = "{0}، آخر اثني عشر أسبوعاً: لا شيء.",
        // The month names used across most of the Arab press, as on the public site.
        Months = ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"],
    };

    public static DashboardText For(string? language) => language == Broadsheet.Language.Arabic ? Arabic : English;

    public required string Language { get; init; }
    public required string Charts { get; init; }
    public required string GrowthTitle { get; init; }
    public required string GrowthSeries { get; init; }
    public required string ConsentTitle { get; init; }
    public required string ConfirmationsSeries { get; init; }
    public required string UnsubscribesSeries { get; init; }
    public required string PostsTitle { get; init; }
    public required string PostsSeries { get; init; }
    public required string WeekOf { get; init; }
    public required string Numbers { get; init; }
    public required string NoData { get; init; }
    public required string Summary { get; init; }
    public required string SummaryEmpty { get; init; }
    public required IReadOnlyList<string> Months { get; init; }

    public string Format(string template, params object?[] args) => string.Format(CultureInfo.InvariantCulture, template, args);

    /// <summary>A week's first day, short: "16 Nov", "16 نوفمبر".</summary>
    public string Day(DateOnly day) => string.Create(CultureInfo.InvariantCulture, $"{day.Day} {Months[day.Month - 1]}");

    /// <summary>One sentence a screen reader can take in at once; the table beside the chart has every number.</summary>
    public string Describe(string series, IReadOnlyList<DateOnly> weeks, IReadOnlyList<int> values)
    {
        ArgumentNullException.ThrowIfNull(weeks);
        ArgumentNullException.ThrowIfNull(values);
        var total = values.Sum();
        if (total == 0)
        {
            return Format(SummaryEmpty, series);
        }

        var most = 0;
        for (var i = 1; i < values.Count; i++)
        {
            if (values[i] >= values[most])
            {
                most = i;
            }
        }

        return Format(Summary, series, total, values[most], Day(weeks[most]));
    }
}
