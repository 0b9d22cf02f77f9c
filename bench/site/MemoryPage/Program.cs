// Usage: MemoryPage <body-file> <port> [content-type]
// Serves one page's bytes from memory on 127.0.0.1: the most any app on this Kestrel can do for that page.
if (args.Length is < 2 or > 3 || !int.TryParse(args[1], out var port))
{
    await Console.Error.WriteLineAsync("usage: MemoryPage <body-file> <port> [content-type]");
    return 2;
}

var body = await File.ReadAllBytesAsync(args[0]);
var contentType = args.Length == 3 ? args[2] : "text/html; charset=utf-8";

var builder = WebApplication.CreateSlimBuilder();
builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
// A log line per request would make the ceiling measure the console, not Kestrel.
builder.Logging.SetMinimumLevel(LogLevel.Warning);

var app = builder.Build();
app.MapGet("/{**path}", (HttpContext context) =>
{
    context.Response.ContentType = contentType;
    context.Response.ContentLength = body.Length;
    return context.Response.Body.WriteAsync(body).AsTask();
});
await app.RunAsync();
return 0;
