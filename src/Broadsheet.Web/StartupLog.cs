namespace Broadsheet.Web;

/// <summary>What the web host says when it refuses to start for a reason the operator must fix.</summary>
internal static partial class StartupLog
{
    [LoggerMessage(Level = LogLevel.Critical, Message = "Not starting: {Reason}")]
    public static partial void Refused(ILogger logger, string reason);
}
