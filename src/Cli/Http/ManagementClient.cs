using System.Net.Http.Headers;

namespace K8sWebhookHandler.Cli.Http;

/// <summary>The API's answer: its status code and body as sent.</summary>
internal sealed record ApiAnswer(int Status, string Body);

/// <summary>The management API did not answer: refused connection, unknown host, or no answer before the deadline.</summary>
internal sealed class ApiUnreachableException(string message) : Exception(message);

/// <summary>Sends one request to the management API with the bearer token and a deadline.</summary>
internal static class ManagementClient
{
    /// <summary>How long an answer may take, on top of what <c>--wait</c> asks the API to wait.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    /// <exception cref="ApiUnreachableException">No answer within <see cref="Deadline"/> plus the request's wait.</exception>
    public static async Task<ApiAnswer> SendAsync(CliSettings settings, ApiRequest request, CancellationToken cancellationToken)
    {
        // A redirect is reported rather than followed: the token is meant for this address only.
        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var http = new HttpClient(handler) { BaseAddress = settings.Url, Timeout = Deadline + request.Wait };
        using var message = new HttpRequestMessage(request.Method, request.Path);
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (settings.Token is not null)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.Token);
        }

        try
        {
            using var response = await http.SendAsync(message, cancellationToken);
            return new((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
        }
        catch (HttpRequestException e)
        {
            throw new ApiUnreachableException($"cannot reach {settings.Url}: {e.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ApiUnreachableException($"{settings.Url} did not answer within {http.Timeout.TotalSeconds:0} s");
        }
    }
}
