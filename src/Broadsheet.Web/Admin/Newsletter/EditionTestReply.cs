namespace Broadsheet.Web.Admin.Newsletter;

/// <summary>What the mail server answered to a test of an edition (the transport's words, never an address).</summary>
public sealed record EditionTestReply(bool Delivered, string Detail);
