using System.Security.Cryptography;
using System.Text;
using Broadsheet.Delivery;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Broadsheet.Web.Api;

/// <summary>
/// The API's route table, in one place. So far: the bounce webhook, for relays that post bounces and complaints
/// instead of (or as well as) mailing them to the bounce mailbox.
/// </summary>
internal static class ApiRoutes
{
    // A DSN with the original's headers is a few kilobytes; a whole original message rarely passes 100 KB.
    private const long MaxReportBytes = 1024 * 1024;

    public static void MapApi(this IEndpointRouteBuilder app)
    {
        // A machine-to-machine endpoint: authenticated by its shared secret, not by cookies, so no antiforgery.
        app.MapPost("/webhooks/bounces", ReceiveBounce).DisableAntiforgery();
    }

    /// <summary>
    /// <c>POST /webhooks/bounces</c> with <c>Authorization: Bearer SECRET</c> and the report as the raw message
    /// (RFC 5322, e.g. <c>Content-Type: message/rfc822</c>). Answers what was done with it, as JSON.
    /// </summary>
    private static async Task<IResult> ReceiveBounce(HttpContext context, BounceProcessor processor, IOptions<BroadsheetOptions> options, CancellationToken ct)
    {
        var secret = options.Value.Mail.Bounces.WebhookSecret;
        if (string.IsNullOrEmpty(secret))
        {
            return Results.NotFound(new { error = "The bounce webhook is off: set Broadsheet:Mail:Bounces:WebhookSecret to turn it on." });
        }

        var given = context.Request.Headers.Authorization.ToString();
        var expected = "Bearer " + secret;
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected)))
        {
            return Results.Json(new { error = "Missing or wrong secret: send Authorization: Bearer <Broadsheet:Mail:Bounces:WebhookSecret>." }, statusCode: StatusCodes.Status401Unauthorized);
        }

        if (context.Request.ContentLength is > MaxReportBytes)
        {
            return Results.Json(new { error = $"A report may be at most {MaxReportBytes / 1024} KB." }, statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        using var body = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(buffer, ct)) > 0)
        {
            if (body.Length + read > MaxReportBytes)
            {
                return Results.Json(new { error = $"A report may be at most {MaxReportBytes / 1024} KB." }, statusCode: StatusCodes.Status413PayloadTooLarge);
            }

            body.Write(buffer, 0, read);
        }

        if (body.Length == 0)
        {
            return Results.BadRequest(new { error = "The body is empty: post the bounce or complaint as a raw message (message/rfc822)." });
        }

        body.Position = 0;
        MimeMessage message;
        try
        {
            message = await MimeMessage.LoadAsync(body, ct);
        }
        catch (FormatException)
        {
            return Results.BadRequest(new { error = "The body is not a mail message: post the raw message (message/rfc822)." });
        }

        var handling = await processor.HandleAsync(message, ct);
        return Results.Ok(new { result = handling.ToString().ToLowerInvariant() });
    }
}
