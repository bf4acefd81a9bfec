using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace K8sWebhookHandler.Testing.Git;

/// <summary>
/// Git's smart HTTP protocol: the real <c>git http-backend</c> run as a CGI program behind a loopback web
/// server, one process a request, as Apache or nginx with fcgiwrap would run it. Optionally requires
/// HTTP basic authentication whose password is a token the authorizer accepts for the repository, the way GitHub takes a
/// token.
/// </summary>
internal sealed class GitHttpBackend : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GitHttpBackend(WebApplication app, Uri baseUri)
    {
        _app = app;
        BaseUri = baseUri;
    }

    public Uri BaseUri { get; }

    /// <param name="projectRoot">The directory of bare repositories, <c>owner/name.git</c>.</param>
    /// <param name="authorize">
    /// Whether a request for the repository <c>owner/name</c> with this basic-authentication password is let in; null lets
    /// every request in. A request without credentials, or refused, is answered 401.
    /// </param>
    public static async Task<GitHttpBackend> StartAsync(string projectRoot, Func<string, string, bool>? authorize)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.Run(context => ServeAsync(context, projectRoot, authorize));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new GitHttpBackend(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static async Task ServeAsync(HttpContext context, string projectRoot, Func<string, string, bool>? authorize)
    {
        var request = context.Request;
        if (authorize is not null && !Authorized(request, authorize))
        {
            context.Response.StatusCode = 401;
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"git\"";
            return;
        }

        var info = new ProcessStartInfo("git")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("http-backend");
        info.Environment["GIT_PROJECT_ROOT"] = projectRoot;
        info.Environment["GIT_HTTP_EXPORT_ALL"] = "1";
        info.Environment["REQUEST_METHOD"] = request.Method;
        info.Environment["PATH_INFO"] = request.Path.Value ?? "/";
        info.Environment["QUERY_STRING"] = request.QueryString.Value?.TrimStart('?') ?? "";
        info.Environment["CONTENT_TYPE"] = request.ContentType ?? "";
        info.Environment["REMOTE_ADDR"] = "127.0.0.1";
        info.Environment["REMOTE_USER"] = "test";
        info.Environment["GIT_PROTOCOL"] = request.Headers["Git-Protocol"].ToString();
        info.Environment["HTTP_CONTENT_ENCODING"] = request.Headers.ContentEncoding.ToString();

        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync(context.RequestAborted);
        await request.Body.CopyToAsync(process.StandardInput.BaseStream, context.RequestAborted);
        process.StandardInput.Close();

        var output = process.StandardOutput.BaseStream;
        foreach (var header in await ReadCgiHeadersAsync(output, context.RequestAborted))
        {
            var colon = header.IndexOf(':', StringComparison.Ordinal);
            var name = header[..colon].Trim();
            var value = header[(colon + 1)..].Trim();
            if (name.Equals("Status", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.StatusCode = int.Parse(value.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            }
            else
            {
                context.Response.Headers.Append(name, value);
            }
        }

        await output.CopyToAsync(context.Response.Body, context.RequestAborted);
        await process.WaitForExitAsync(context.RequestAborted);
        await stderr;
    }

    private static bool Authorized(HttpRequest request, Func<string, string, bool> authorize)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header) ||
            !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase) || header.Parameter is null)
        {
            return false;
        }

        var credentials = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
        var path = (request.Path.Value ?? "").TrimStart('/');
        var end = path.IndexOf(".git/", StringComparison.Ordinal);
        return credentials.Contains(':', StringComparison.Ordinal) && end > 0 && authorize(path[..end], credentials[(credentials.IndexOf(':', StringComparison.Ordinal) + 1)..]);
    }

    /// <summary>Reads CGI header lines up to the blank line, byte by byte so that the body stays in the stream.</summary>
    private static async Task<List<string>> ReadCgiHeadersAsync(Stream output, CancellationToken cancellationToken)
    {
        var headers = new List<string>();
        var line = new List<byte>();
        var one = new byte[1];
        while (await output.ReadAsync(one, cancellationToken) == 1)
        {
            if (one[0] == '\n')
            {
                var text = Encoding.ASCII.GetString(line.ToArray()).TrimEnd('\r');
                if (text.Length == 0)
                {
                    break;
                }

                headers.Add(text);
                line.Clear();
            }
            else
            {
                line.Add(one[0]);
            }
        }

        return headers;
    }
}
