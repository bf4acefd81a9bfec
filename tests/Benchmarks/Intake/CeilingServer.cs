using System.Buffers;
using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using K8sWebhookHandler.Testing.Processes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace K8sWebhookHandler.Benchmarks;

/// <summary>
/// The ceiling of any intake on this machine: a bare Kestrel endpoint on loopback that reads the body, verifies
/// <c>X-Hub-Signature-256</c> (HMAC-SHA256, fixed-time comparison) and answers 202. It stores nothing; it runs as
/// its own process (this program with <c>--ceiling-server</c>), as the handler does.
/// </summary>
public static class CeilingServer
{
    public const string Argument = "--ceiling-server";
    private const string ReadyLine = "ceiling listening on port ";

    /// <summary>Serves until the process is killed; prints <c>ceiling listening on port N</c> once ready.</summary>
    public static async Task RunAsync(string secret)
    {
        var key = Encoding.UTF8.GetBytes(secret);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapPost("/webhook", (RequestDelegate)(context => VerifyAsync(context, key)));
        await app.StartAsync();
        var port = new Uri(app.Urls.First()).Port;
        Console.WriteLine(ReadyLine + port.ToString(CultureInfo.InvariantCulture));
        await app.WaitForShutdownAsync();
    }

    /// <summary>Starts the ceiling as a child process and returns it with its base address.</summary>
    public static async Task<(RunningProcess Process, Uri BaseUri)> StartAsync(string secret)
    {
        var assembly = Assembly.GetEntryAssembly()!.Location;
        var process = RunningProcess.Start("dotnet", [assembly, Argument], Path.GetDirectoryName(assembly),
            new Dictionary<string, string> { ["WEBHOOK_SECRET"] = secret, ["DOTNET_gcServer"] = "1" });
        await process.WaitForLineAsync(line => line.StartsWith(ReadyLine, StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        var line = process.Log.Split('\n').First(l => l.StartsWith(ReadyLine, StringComparison.Ordinal));
        return (process, new Uri($"http://127.0.0.1:{line[ReadyLine.Length..].Trim()}/"));
    }

    private static async Task VerifyAsync(HttpContext context, byte[] key)
    {
        var header = context.Request.Headers["X-Hub-Signature-256"].ToString();
        if (!header.StartsWith("sha256=", StringComparison.Ordinal) || header.Length != 7 + 64)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
            {
                hmac.AppendData(buffer, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        var sent = new byte[32];
        var decoded = Convert.FromHexString(header.AsSpan(7), sent, out _, out _) == OperationStatus.Done;
        var matched = CryptographicOperations.FixedTimeEquals(hmac.GetHashAndReset(), sent) && decoded;
        context.Response.StatusCode = matched ? StatusCodes.Status202Accepted : StatusCodes.Status401Unauthorized;
    }
}
