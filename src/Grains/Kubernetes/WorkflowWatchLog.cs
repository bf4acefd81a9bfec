using Microsoft.Extensions.Logging;

namespace K8sWebhookHandler.Grains.Kubernetes;

/// <summary>What <see cref="WorkflowWatch"/> logs.</summary>
internal static partial class WorkflowWatchLog
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "Skipped {Resource} {Name}: {Reason}")]
    public static partial void Skipped(ILogger logger, string resource, string name, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipped a watch event on {Resource} in {Namespace} longer than {MaxBytes} bytes")]
    public static partial void Oversized(ILogger logger, string resource, string @namespace, int maxBytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipped a watch event on {Resource} in {Namespace} that cannot be read: {Excerpt}")]
    public static partial void Malformed(ILogger logger, string resource, string @namespace, string excerpt);

    [LoggerMessage(Level = LogLevel.Information, Message = "The watch on {Resource} in {Namespace} dropped after version {ResourceVersion} and resumes from it: {Reason}")]
    public static partial void Dropped(ILogger logger, string resource, string @namespace, string resourceVersion, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "The watch on {Resource} in {Namespace} is too far behind (410 Gone): listing again")]
    public static partial void Expired(ILogger logger, string resource, string @namespace);

    [LoggerMessage(Level = LogLevel.Error, Message = "The cluster does not serve {Kind} of {ApiVersion}: install Argo Workflows' CRDs so that workflow phases can be reported")]
    public static partial void NotServed(ILogger logger, string apiVersion, string kind);

    [LoggerMessage(Level = LogLevel.Error, Message = "Forbidden: grant the handler's role list and watch on {Resource} in {Namespace}: {ApiMessage}")]
    public static partial void Forbidden(ILogger logger, string resource, string @namespace, string apiMessage);
}
