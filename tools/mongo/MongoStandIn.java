import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.util.List;

/**
 * mongo-java-server ships no main: this binds it, with its in-memory backend, on 127.0.0.1 and the
 * port given, until the process is stopped.
 */
public final class MongoStandIn {
  /**
   * The handshake's version, and all the server does with it. Its own MONGO_5_0 reports wire version
   * 8 (MongoDB 4.2), which the Node.js driver refuses (it needs 9, MongoDB 4.4); 13 is MongoDB 5.0's.
   * The commands it implements stay the same whatever it reports.
   */
  private static final MongoVersion MONGO_5_0 = new MongoVersion() {
    public List<Integer> getVersionArray() { return List.of(5, 0, 0); }
    public int getWireVersion() { return 13; }
  };

  public static void main(String[] args) throws InterruptedException {
    MongoServer server = new MongoServer(new MemoryBackend().version(MONGO_5_0));
    server.bind("127.0.0.1", Integer.parseInt(args[0]));
    Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow));
    System.out.println("listening on " + server.getConnectionString());
    Thread.currentThread().join();
  }
}
