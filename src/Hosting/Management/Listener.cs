using Microsoft.AspNetCore.Builder;

namespace K8sWebhookHandler.Hosting.Management;

/// <summary>Which listener answers an endpoint; an endpoint without this metadata is the management listener's.</summary>
public enum Listener
{
    /// <summary>The management port only, with its token (the default).</summary>
    Management,

    /// <summary>The public port only: the webhook.</summary>
    Public,

    /// <summary>Both ports, without a token: the health probes.</summary>
    Both,

    /// <summary>The management port without a token: the inspection page's own files, which hold no data.</summary>
    ManagementWithoutToken,
}

/// <summary>The endpoint metadata that says which <see cref="Listener"/> answers it.</summary>
public sealed record ListenerMetadata(Listener Listener);

public static class ListenerConventions
{
    /// <summary>Served by the public (webhook) port only.</summary>
    public static TBuilder OnPublicListener<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ListenerMetadata(Listener.Public));

    /// <summary>Served by both ports without a token (the health probes).</summary>
    public static TBuilder OnBothListeners<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ListenerMetadata(Listener.Both));

    /// <summary>Served by the management port without a token: only what holds no data (the page's own files).</summary>
    public static TBuilder WithoutManagementToken<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ListenerMetadata(Listener.ManagementWithoutToken));
}
