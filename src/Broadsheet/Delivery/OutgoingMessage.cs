using MimeKit;

namespace Broadsheet.Delivery;

/// <summary>A message and its envelope: the VERP sender bounces come back to, and the one recipient.</summary>
public sealed record OutgoingMessage(MimeMessage Mime, MailboxAddress EnvelopeSender, MailboxAddress Recipient);
