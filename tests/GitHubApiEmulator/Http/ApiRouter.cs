using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using K8sWebhookHandler.GitHubApiEmulator.Auth;
using K8sWebhookHandler.GitHubApiEmulator.Description;
using K8sWebhookHandler.GitHubApiEmulator.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace K8sWebhookHandler.GitHubApiEmulator.Http;

/// <summary>
/// Serves one API request, in GitHub's order: faults (an outage comes first), the API version, the route in the
/// description, the credentials, the primary rate limit, who may call the endpoint, the description's parameters and
/// body, and then the endpoint. Every answer carries the rate-limit headers and a request id, and is itself checked
/// against the description's response schema.
/// </summary>
public sealed class ApiRouter(
    ApiDescription description, EndpointTable endpoints, Authenticator authenticator, RateLimits limits,
    RequestLog log, FaultInjector faults, TimeProvider time, IReadOnlySet<string> apiVersions)
{
    /// <summary>JSON as GitHub writes it: quotes and apostrophes in messages stay as they are.</summary>
    private static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The API version GitHub assumes when a request names none.</summary>
    public const string DefaultApiVersion = "2022-11-28";

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        string body;
        using (var reader = new StreamReader(request.Body, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync(context.RequestAborted);
        }

        var version = request.Headers["X-GitHub-Api-Version"].ToString();
        var recorded = new RecordedRequest(request.Method, ApiPath(request.Path.Value ?? "/"), request.QueryString.Value ?? "", body,
            request.Headers.UserAgent.ToString(), version.Length == 0 ? null : version);
        var status = 0;
        try
        {
            log.Add(recorded);
            var now = time.GetUtcNow();
            var authentication = authenticator.Authenticate(request.Headers.Authorization.ToString(), now);
            recorded.Identity = authentication.Identity;
            var rate = limits.Peek(authentication.Identity ?? Identity.Anonymous, now);
            var (answer, operation, counted) = await AnswerSafelyAsync(context, recorded, authentication, now);
            status = answer.Status;
            recorded.ResponseViolations = CheckResponse(operation, answer);
            await WriteAsync(context.Response, answer, counted ?? rate, version);
        }
        finally
        {
            recorded.Complete(status == 0 ? StatusCodes.Status499ClientClosedRequest : status);
        }
    }

    /// <summary>The answer; a fault of the emulator itself is a 500 that names it, so that a test shows it rather than a bare 500.</summary>
    private async Task<(ApiAnswer Answer, DescribedOperation? Operation, RateState? Rate)> AnswerSafelyAsync(
        HttpContext context, RecordedRequest recorded, Authentication authentication, DateTimeOffset now)
    {
        try
        {
            return await AnswerAsync(context, recorded, authentication, now);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return (GitHubErrors.Error(500, $"The emulator failed: {e}"), null, null);
        }
    }

    private async Task<(ApiAnswer Answer, DescribedOperation? Operation, RateState? Rate)> AnswerAsync(
        HttpContext context, RecordedRequest recorded, Authentication authentication, DateTimeOffset now)
    {
        if (await FaultAsync(recorded, context.RequestAborted) is { } fault)
        {
            return (fault, null, null);
        }

        if (recorded.ApiVersion is { } version && !apiVersions.Contains(version))
        {
            return (GitHubErrors.Error(400, $"API version '{version}' is not supported.", "https://docs.github.com/rest/overview/api-versions"), null, null);
        }

        var route = description.Route(recorded.Method, recorded.Path);
        if (route.Operation is not { } operation)
        {
            recorded.Violations = [route.Violation!];
            return (GitHubErrors.NotFound(), null, null);
        }

        recorded.OperationId = operation.OperationId;
        if (authentication.Error is { } error)
        {
            return (GitHubErrors.Error(401, error), operation, null);
        }

        var identity = authentication.Identity!;
        // GET /rate_limit is neither counted nor refused, as on GitHub.
        var counted = operation.OperationId != "rate-limit/get";
        if (counted && limits.Peek(identity, now) is { Remaining: 0 } spent)
        {
            return (GitHubErrors.Error(403, $"API rate limit exceeded for {identity}.", GitHubErrors.RateLimitDocumentation), operation, spent);
        }

        var rate = counted ? limits.Count(identity, now) : limits.Peek(identity, now);
        return (Serve(context.Request, recorded, operation, route.PathValues, authentication, now), operation, rate);
    }

    private ApiAnswer Serve(HttpRequest request, RecordedRequest recorded, DescribedOperation operation,
        IReadOnlyDictionary<string, string> pathValues, Authentication authentication, DateTimeOffset now)
    {
        if (endpoints.Find(operation.OperationId) is not { } endpoint)
        {
            return GitHubErrors.Error(501, $"The emulator does not serve {operation.OperationId}.");
        }

        if (Refusal(endpoint.Access, authentication.Identity!) is { } refusal)
        {
            return refusal;
        }

        var parameters = RequestValidator.Parameters(operation, pathValues, request.Query);
        var (body, bodyViolations) = RequestValidator.Body(operation, recorded.Body);
        using (body)
        {
            recorded.Violations = [.. parameters, .. bodyViolations];
            if (parameters.Any(v => v.Where.StartsWith("path/", StringComparison.Ordinal)))
            {
                return GitHubErrors.NotFound(operation.DocumentationUrl);
            }

            if (recorded.Violations.Count > 0)
            {
                return body is null && recorded.Body.Length > 0
                    ? GitHubErrors.Error(400, "Problems parsing JSON", operation.DocumentationUrl)
                    : GitHubErrors.InvalidRequest(recorded.Violations, operation.DocumentationUrl);
            }

            var call = new ApiCall(operation, pathValues, request.Query, body?.RootElement, authentication.Identity!, authentication.Token, now)
            {
                ApiBase = $"{request.Scheme}://{request.Host}{request.PathBase}{(IsEnterprise(request.Path.Value ?? "/") ? "/api/v3" : "")}",
            };
            return endpoint.Handle(call);
        }
    }

    private static ApiAnswer? Refusal(Access access, Identity identity) => (access, identity.Kind) switch
    {
        (Access.Anyone, _) => null,
        (_, IdentityKind.Anonymous) => GitHubErrors.Error(401, "Requires authentication"),
        (Access.App, IdentityKind.App) => null,
        (Access.App, _) => GitHubErrors.Error(401, JwtVerifier.Undecodable),
        (_, IdentityKind.App) => GitHubErrors.Error(403, "Resource not accessible by integration"),
        (Access.Installation, IdentityKind.PersonalToken) => GitHubErrors.Error(403, "You must authenticate via a GitHub App."),
        _ => null,
    };

    private async Task<ApiAnswer?> FaultAsync(RecordedRequest recorded, CancellationToken aborted)
    {
        var rule = faults.Take(recorded);
        switch (rule?.Kind)
        {
            case FaultKind.Hold:
                await rule.Until!.WaitAsync(aborted);
                return null;
            case FaultKind.SecondaryRateLimit:
                var seconds = ((long)Math.Ceiling(rule.RetryAfter!.Value.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                var answer = GitHubErrors.Error(rule.StatusCode,
                    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
                    "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits");
                return answer with { Headers = new Dictionary<string, string> { ["retry-after"] = seconds } };
            case FaultKind.Fail:
                return GitHubErrors.Error(rule.StatusCode, rule.StatusCode >= 500 ? "Server Error" : "Injected fault");
            default:
                return null;
        }
    }

    private static IReadOnlyList<Violation> CheckResponse(DescribedOperation? operation, ApiAnswer answer)
    {
        if (operation?.ResponseSchema(answer.Status) is not { } schema || answer.Body is null)
        {
            return [];
        }

        using var document = JsonDocument.Parse(answer.Body.ToJsonString());
        return SchemaErrors.Of(schema, document.RootElement, $"response/{answer.Status}");
    }

    private static async Task WriteAsync(HttpResponse response, ApiAnswer answer, RateState rate, string version)
    {
        response.StatusCode = answer.Status;
        foreach (var (name, value) in rate.Headers.Concat(answer.Headers ?? new Dictionary<string, string>()))
        {
            response.Headers[name] = value;
        }

        response.Headers["x-github-request-id"] = $"{RandomNumberGenerator.GetHexString(4)}:{RandomNumberGenerator.GetHexString(6)}:{RandomNumberGenerator.GetHexString(8)}";
        response.Headers["x-github-api-version-selected"] = version.Length == 0 ? DefaultApiVersion : version;
        response.Headers["x-github-media-type"] = "github.v3; format=json";
        if (answer.Body is not null)
        {
            response.ContentType = "application/json; charset=utf-8";
            await response.WriteAsync(answer.Body.ToJsonString(Json), response.HttpContext.RequestAborted);
        }
    }

    /// <summary>The path as on api.github.com: a GitHub Enterprise prefix <c>/api/v3</c> (Octokit adds it for any other host) is dropped.</summary>
    private static string ApiPath(string path) => IsEnterprise(path) ? path[7..] : path;

    private static bool IsEnterprise(string path) => path.StartsWith("/api/v3/", StringComparison.OrdinalIgnoreCase);
}
