using System.Collections.Concurrent;
using System.Threading.Channels;
using ImCells.Client;
using ImCells.Protos.Client;

namespace ImCells.Cli.Commands;

/// <summary>
/// What `chat` prints besides messages: group entries, friends' presence (the snapshot on connect,
/// then each change; a repeat of what was last shown is skipped), friend events, read receipts and refused messages.
/// </summary>
internal sealed class ChatNotices(ImClient client)
{
    private readonly ConcurrentDictionary<ulong, string> _nicknames = new();
    private readonly ConcurrentDictionary<ulong, Presence> _shown = new();

    /// <summary>Remembers the nicknames of a friend list, so notices can name people.</summary>
    public void Learn(FriendList list)
    {
        foreach (var friend in list.Friends)
        {
            Learn(friend.User, friend.Nickname);
        }

        foreach (var request in list.Incoming.Concat(list.Outgoing))
        {
            Learn(request.User, request.Nickname);
        }
    }

    /// <summary>Prints until <paramref name="ct"/> is cancelled or the client is disposed.</summary>
    public Task RunAsync(CancellationToken ct) =>
        Task.WhenAll(
            PrintAsync(client.PresenceChanges, Print, ct),
            PrintAsync(client.FriendEvents, Print, ct),
            PrintAsync(client.Failures, Print, ct),
            PrintAsync(client.ReadReceipts, receipt => Console.WriteLine(ChatFormat.Receipt(receipt, Who(receipt.Reader))), ct),
            PrintAsync(client.GroupEntries, entry => Console.WriteLine(GroupFormat.Text(entry)), ct));

    private static async Task PrintAsync<T>(ChannelReader<T> reader, Action<T> print, CancellationToken ct)
    {
        try
        {
            await foreach (var item in reader.ReadAllAsync(ct))
            {
                print(item);
            }
        }
        catch (OperationCanceledException)
        {
            // Quit.
        }
    }

    private void Print(PresenceChanged change)
    {
        if (_shown.TryGetValue(change.User, out var shown) && shown == change.Presence)
        {
            return;
        }

        _shown[change.User] = change.Presence;
        Console.WriteLine($"* {Who(change.User)} is {FriendFormat.Word(change.Presence)}");
    }

    private void Print(FriendEvent friendEvent)
    {
        Learn(friendEvent.User, friendEvent.Nickname);
        if (friendEvent.Kind == FriendEvent.Types.Kind.Removed)
        {
            // Befriended again later, their presence is news again.
            _shown.TryRemove(friendEvent.User, out _);
        }

        var who = Who(friendEvent.User);
        Console.WriteLine(friendEvent.Kind switch
        {
            FriendEvent.Types.Kind.Request when friendEvent.Message.Length > 0 =>
                $"* {who} wants to be your friend: \"{friendEvent.Message}\"  (friends accept --from {friendEvent.User})",
            FriendEvent.Types.Kind.Request => $"* {who} wants to be your friend  (friends accept --from {friendEvent.User})",
            FriendEvent.Types.Kind.Accepted => $"* {who} accepted your request",
            FriendEvent.Types.Kind.Declined => $"* {who} declined your request",
            FriendEvent.Types.Kind.Removed => $"* {who} removed you from their friends",
            _ => $"* {who}: {friendEvent.Kind}",
        });
    }

    // The code as the protocol spells it (BLOCKED, NOT_FRIENDS), not the C# enum name.
    private static void Print(SendFailed failed) =>
        Console.Error.WriteLine(
            $"imcells: message {failed.MessageId} to {failed.To} failed ({CodeName(failed.Code)}): {failed.Reason}");

    private static string CodeName(ErrorCode code) =>
        FrameReflection.Descriptor.EnumTypes.FirstOrDefault(e => e.ClrType == typeof(ErrorCode))?.FindValueByNumber((int)code)?.Name
        ?? code.ToString();

    private void Learn(ulong user, string nickname)
    {
        if (nickname.Length > 0)
        {
            _nicknames[user] = nickname;
        }
    }

    private string Who(ulong user) => FriendFormat.Who(user, _nicknames.GetValueOrDefault(user));
}
