namespace Broadsheet.Delivery;

/// <summary>Closing a transport of whatever kind: SMTP pools wait for their messages in flight and say QUIT.</summary>
internal static class TransportDisposal
{
    public static async ValueTask CloseAsync(this IMailTransport transport)
    {
        switch (transport)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }
}
