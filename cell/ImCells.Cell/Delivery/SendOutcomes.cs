using ImCells.Protos.Client;
using ImCells.Registry.Hlr;
using WireOutcome = ImCells.Protos.Cell.DeliverResult.Types.Outcome;

namespace ImCells.Cell.Delivery;

/// <summary>
/// The one place a send outcome is translated: to the error code and sentence a device is shown,
/// and to and from the outcome carried by a cross-cell Deliver.
/// </summary>
internal static class SendOutcomes
{
    public static ErrorCode Code(SendOutcome outcome) => outcome switch
    {
        SendOutcome.UnknownRecipient => ErrorCode.UnknownRecipient,
        SendOutcome.Blocked => ErrorCode.Blocked,
        SendOutcome.NotFriends => ErrorCode.NotFriends,
        SendOutcome.Refused => ErrorCode.BadRequest,
        _ => ErrorCode.ErrorUnspecified,
    };

    public static string Reason(SendOutcome outcome, ulong to) => outcome switch
    {
        SendOutcome.UnknownRecipient => $"user {to} does not exist",
        SendOutcome.Blocked => "blocked: the recipient does not accept messages from you",
        SendOutcome.NotFriends => "the recipient accepts messages from friends only",
        SendOutcome.Refused => "refused by the recipient's cell",
        _ => "",
    };

    public static WireOutcome ToWire(SendOutcome outcome) => outcome switch
    {
        SendOutcome.Stored => WireOutcome.Stored,
        SendOutcome.UnknownRecipient => WireOutcome.UnknownRecipient,
        SendOutcome.Blocked => WireOutcome.Blocked,
        SendOutcome.NotFriends => WireOutcome.NotFriends,
        _ => WireOutcome.Refused,
    };

    public static SendOutcome FromWire(WireOutcome outcome) => outcome switch
    {
        WireOutcome.Stored => SendOutcome.Stored,
        WireOutcome.UnknownRecipient => SendOutcome.UnknownRecipient,
        WireOutcome.Blocked => SendOutcome.Blocked,
        WireOutcome.NotFriends => SendOutcome.NotFriends,
        _ => SendOutcome.Refused,
    };
}
