using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace K8sWebhookHandler.Hosting.Management;

/// <summary>
/// The two listeners' URLs: the public one (the webhook and the health probes) from <see cref="PublicKey"/>, else
/// <c>urls</c> (<c>ASPNETCORE_URLS</c>, <c>--urls</c>), else <c>http_ports</c>/<c>https_ports</c>, else
/// <see cref="DefaultPublicUrl"/>; the management one from <see cref="ManagementOptions.Urls"/>.
/// </summary>
public static class ListenerUrls
{
    /// <summary>The public listener when nothing is configured: the Go handler's port, on loopback.</summary>
    public const string DefaultPublicUrl = "http://localhost:8080";

    /// <summary>
    /// The public listener's URLs, when set; the host writes what it found here before it listens on both listeners'
    /// URLs (which it does through <c>urls</c>, so that <c>urls</c> then names both).
    /// </summary>
    public const string PublicKey = "Handler:PublicUrls";

    /// <summary>The public listener's URLs as configured, or <see cref="DefaultPublicUrl"/>.</summary>
    public static IReadOnlyList<string> Public(IConfiguration configuration)
    {
        if (configuration[PublicKey] is { Length: > 0 } own)
        {
            return Split(own);
        }

        if (configuration["urls"] is { Length: > 0 } urls)
        {
            return Split(urls);
        }

        var ports = Ports(configuration["http_ports"]).Select(p => $"http://*:{p}")
            .Concat(Ports(configuration["https_ports"]).Select(p => $"https://*:{p}")).ToList();
        return ports.Count > 0 ? ports : [DefaultPublicUrl];
    }

    /// <summary>URLs separated by <c>;</c>, trimmed, empty entries dropped.</summary>
    public static IReadOnlyList<string> Split(string? urls) =>
        (urls ?? "").Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The URL parsed as Kestrel parses it, or null when it is not one.</summary>
    public static BindingAddress? Parse(string url)
    {
        try
        {
            var address = BindingAddress.Parse(url);
            return address.Scheme is "http" or "https" && !address.IsUnixPipe ? address : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>Whether the address listens on the loopback interface only (<c>localhost</c>, 127.0.0.0/8, <c>::1</c>).</summary>
    public static bool IsLoopback(BindingAddress address) =>
        string.Equals(address.Host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(address.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    private static IEnumerable<int> Ports(string? ports) =>
        (ports ?? "").Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : -1)
            .Where(p => p > 0);
}
