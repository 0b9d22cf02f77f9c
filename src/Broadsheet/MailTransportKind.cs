namespace Broadsheet;

public enum MailTransportKind
{
    Outbox,
    Smtp,
}
