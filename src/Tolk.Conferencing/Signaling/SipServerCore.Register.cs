using Tolk.Sip.Message;
using Tolk.Sip.Registrar;
using Tolk.Sip.Transactions;

namespace Tolk.Conferencing.Signaling;

public sealed partial class SipServerCore
{
    /// <summary>REGISTER (RFC 3261 §10.3): the tenant's domain, its credentials, and only one's own AOR.</summary>
    private void OnRegister(SipServerTransaction tx)
    {
        var request = tx.Request;
        var tenant = ResolveTenant(request, tx.Inbound);
        if (tenant is null)
        {
            tx.Respond(Reply(request, 404, "Unknown domain"));
            return;
        }
        if (!tenant.Enabled)
        {
            tx.Respond(Reply(request, 403, "Tenant disabled"));
            return;
        }
        var to = request.To;
        if (to is null || !to.Uri.IsSip || to.Uri.User is null)
        {
            tx.Respond(Reply(request, 400, "To must name a SIP address-of-record"));
            return;
        }
        if (!tenant.Domains.Contains(to.Uri.HostName, StringComparer.OrdinalIgnoreCase))
        {
            // RFC 3261 §10.3 step 4: the AOR must be in the domain this registrar serves.
            tx.Respond(Reply(request, 404, "Address-of-record not in this domain"));
            return;
        }
        var user = Authenticate(tx, tenant);
        if (user is null)
        {
            return;
        }
        if (!string.Equals(user, to.Uri.UserUnescaped, StringComparison.Ordinal))
        {
            // Step 5: an account may only register its own AOR.
            tx.Respond(Reply(request, 403, "Not authorized for this address-of-record"));
            return;
        }

        var aor = SipRegistrar.AorKey(to.Uri);
        var response = _registrar.Process(request, aor, tx.Remote, tx.ConnectionId, SipTransactionLayer.NewTag());
        response.Headers.Add(SipHeaderNames.Server, _options.ProductName);
        tx.Respond(response);
        if (response.IsSuccess)
        {
            LogRegistered(_logger, aor, _registrar.Lookup(aor).Count);
        }
    }
}
