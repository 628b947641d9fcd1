using System.Collections.Concurrent;
using Tolk.Sip.Message;

namespace Tolk.Sip.Dialogs;

/// <summary>The live dialogs of this host, found by the id an in-dialog request carries.</summary>
public sealed class SipDialogStore
{
    private readonly ConcurrentDictionary<string, SipDialog> _dialogs = new(StringComparer.Ordinal);

    public int Count => _dialogs.Count;

    public void Add(SipDialog dialog) => _dialogs[dialog.Id] = dialog;

    public bool Remove(SipDialog dialog) => _dialogs.TryRemove(dialog.Id, out _);

    /// <summary>Finds the dialog of an inbound request: our tag is its To tag (RFC 3261 §12.2.2).</summary>
    public SipDialog? FindForRequest(SipRequest request)
    {
        var localTag = request.To?.Tag;
        if (localTag is null || request.CallId is null)
        {
            return null;
        }
        return _dialogs.TryGetValue(SipDialog.DialogId(request.CallId, localTag, request.From?.Tag), out var d) ? d : null;
    }

    public IReadOnlyCollection<SipDialog> All => _dialogs.Values.ToList();
}
