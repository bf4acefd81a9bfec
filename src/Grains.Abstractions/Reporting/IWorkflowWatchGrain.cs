namespace K8sWebhookHandler.Abstractions.Reporting;

/// <summary>
/// The one watch on the handler's Workflows in the whole cluster (key 0): it passes each phase it sees to the
/// repository grain that made the Workflow. A reminder keeps it running: when its silo dies, it starts on another and
/// lists again, catching up on what changed meanwhile.
/// </summary>
[Alias("workflow-watch-grain")]
public interface IWorkflowWatchGrain : IGrainWithIntegerKey
{
    /// <summary>Starts the watch if it is not running; a host calls it once it has started.</summary>
    [Alias("start")]
    Task Start();
}
