namespace K8sWebhookHandler.GitHubApiEmulator.Http;

/// <summary>Who may call an endpoint, as GitHub has it.</summary>
public enum Access
{
    /// <summary>Anyone, anonymous too (<c>GET /rate_limit</c>).</summary>
    Anyone,

    /// <summary>A personal access token or an installation token; an App's JWT is refused.</summary>
    Token,

    /// <summary>An installation token only: the Checks API writes only as an App.</summary>
    Installation,

    /// <summary>The App itself, with its JWT.</summary>
    App,
}

/// <summary>An operation the emulator serves: who may call it and what it does.</summary>
public sealed record Endpoint(Access Access, Func<ApiCall, ApiAnswer> Handle);

/// <summary>
/// The served operations by GitHub's operation id. An operation the description has and this table lacks answers
/// 501 naming it; each group of endpoints (<see cref="Endpoints.HookDeliveryEndpoints"/>, for example) registers its
/// own here.
/// </summary>
public sealed class EndpointTable
{
    private readonly Dictionary<string, Endpoint> _endpoints = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> OperationIds => _endpoints.Keys;

    public EndpointTable Map(string operationId, Access access, Func<ApiCall, ApiAnswer> handle)
    {
        _endpoints[operationId] = new Endpoint(access, handle);
        return this;
    }

    public Endpoint? Find(string operationId) => _endpoints.GetValueOrDefault(operationId);
}
