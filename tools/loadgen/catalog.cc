#include "loadgen/catalog.h"

#include <array>

namespace vivace::loadgen {
namespace {

constexpr Route kFrontendRoutes[] = {
    {"GET", "/"},
    {"GET", "/api/products"},
    {"GET", "/api/products/{id}"},
    {"POST", "/api/cart"},
    {"GET", "/api/cart"},
    {"POST", "/api/checkout"},
    {"GET", "/api/orders/{id}"},
};
constexpr int kFrontendDown[] = {kCart, kCheckout, kInventory};
constexpr std::string_view kFrontendOps[] = {"render page", "resolve session",
                                             "load feature flags"};

constexpr Route kCheckoutRoutes[] = {
    {"POST", "/v1/checkout"},
    {"POST", "/v1/checkout/{id}/confirm"},
    {"GET", "/v1/orders/{id}"},
};
constexpr int kCheckoutDown[] = {kPayment, kInventory, kShipping, kCart};
constexpr DbQuery kOrderQueries[] = {
    {"SELECT", "orders", "SELECT id, status, total_cents FROM orders WHERE customer_id = $1"},
    {"INSERT", "orders",
     "INSERT INTO orders (id, customer_id, total_cents, currency) VALUES ($1, $2, $3, $4)"},
    {"UPDATE", "orders", "UPDATE orders SET status = $1, updated_at = now() WHERE id = $2"},
    {"SELECT", "order_items",
     "SELECT sku, quantity, price_cents FROM order_items WHERE order_id = $1"},
};
constexpr std::string_view kCheckoutOps[] = {"validate cart", "compute totals", "apply discounts",
                                             "reserve order id"};

constexpr Route kPaymentRoutes[] = {
    {"POST", "/payments/charge"},
    {"POST", "/payments/{id}/refund"},
    {"GET", "/payments/{id}"},
};
constexpr DbQuery kPaymentQueries[] = {
    {"INSERT", "payments",
     "INSERT INTO payments (id, order_id, amount_cents, state) VALUES ($1, $2, $3, 'pending')"},
    {"UPDATE", "payments", "UPDATE payments SET state = $1 WHERE id = $2"},
    {"SELECT", "payments", "SELECT state, amount_cents FROM payments WHERE order_id = $1"},
};
constexpr std::string_view kPaymentOps[] = {"fraud check", "tokenize card", "sign request"};

constexpr Route kInventoryRoutes[] = {
    {"GET", "/stock/{id}"},
    {"POST", "/stock/reserve"},
    {"POST", "/stock/release"},
};
constexpr DbQuery kRedisStockQueries[] = {
    {"HGETALL", "stock", "HGETALL stock:?"},
    {"HINCRBY", "stock", "HINCRBY stock:? reserved ?"},
    {"GET", "sku", "GET sku:?"},
};
constexpr std::string_view kInventoryOps[] = {"check availability", "pick warehouse"};

constexpr Route kCartRoutes[] = {
    {"GET", "/carts/{id}"},
    {"POST", "/carts/{id}/items"},
    {"DELETE", "/carts/{id}/items/{id}"},
};
constexpr DbQuery kRedisCartQueries[] = {
    {"GET", "cart", "GET cart:?"},
    {"SET", "cart", "SET cart:? ? EX ?"},
    {"DEL", "cart", "DEL cart:?"},
};
constexpr std::string_view kCartOps[] = {"merge carts", "price items"};

constexpr Route kShippingRoutes[] = {
    {"POST", "/quote"},
    {"POST", "/shipments"},
};
constexpr std::string_view kShippingOps[] = {"compute parcel size", "choose carrier"};

constexpr int kOrderWorkerDown[] = {kInventory};
constexpr std::string_view kOrderWorkerOps[] = {"process order", "build invoice", "update ledger"};

constexpr DbQuery kMongoQueries[] = {
    {"find", "templates", "{\"find\":\"templates\",\"filter\":{\"name\":\"?\"}}"},
    {"insert", "deliveries", "{\"insert\":\"deliveries\",\"documents\":\"?\"}"},
};
constexpr std::string_view kNotificationOps[] = {"render email", "choose channel"};

constexpr Service kServices[] = {
    {.name = "frontend",
     .version = "2.14.3",
     .language = "nodejs",
     .sdk_version = "1.25.1",
     .port = 8080,
     .routes = kFrontendRoutes,
     .downstreams = kFrontendDown,
     .external_host = "",
     .db_system = "",
     .db_name = "",
     .db_host = "",
     .db_port = 0,
     .queries = {},
     .messaging_system = "",
     .topic = "",
     .consumer = -1,
     .consumes_system = "",
     .consumes_topic = "",
     .internal_ops = kFrontendOps,
     .exception_type = "TypeError"},
    {.name = "checkout",
     .version = "1.9.0",
     .language = "go",
     .sdk_version = "1.28.0",
     .port = 8081,
     .routes = kCheckoutRoutes,
     .downstreams = kCheckoutDown,
     .external_host = "",
     .db_system = "postgresql",
     .db_name = "orders",
     .db_host = "orders-db.shop.svc",
     .db_port = 5432,
     .queries = kOrderQueries,
     .messaging_system = "kafka",
     .topic = "orders",
     .consumer = kOrderWorker,
     .consumes_system = "",
     .consumes_topic = "",
     .internal_ops = kCheckoutOps,
     .exception_type = "*errors.errorString"},
    {.name = "payment",
     .version = "3.2.1",
     .language = "java",
     .sdk_version = "1.38.0",
     .port = 8443,
     .routes = kPaymentRoutes,
     .downstreams = {},
     .external_host = "api.payments-sandbox.example",
     .db_system = "postgresql",
     .db_name = "payments",
     .db_host = "payments-db.shop.svc",
     .db_port = 5432,
     .queries = kPaymentQueries,
     .messaging_system = "",
     .topic = "",
     .consumer = -1,
     .consumes_system = "",
     .consumes_topic = "",
     .internal_ops = kPaymentOps,
     .exception_type = "java.net.SocketTimeoutException"},
    {.name = "inventory",
     .version = "0.31.4",
     .language = "python",
     .sdk_version = "1.24.0",
     .port = 8000,
     .routes = kInventoryRoutes,
     .downstreams = {},
     .external_host = "",
     .db_system = "redis",
     .db_name = "0",
     .db_host = "redis-stock.shop.svc",
     .db_port = 6379,
     .queries = kRedisStockQueries,
     .messaging_system = "",
     .topic = "",
     .consumer = -1,
     .consumes_system = "",
     .consumes_topic = "",
     .internal_ops = kInventoryOps,
     .exception_type = "redis.exceptions.TimeoutError"},
    {.name = "cart",
     .version = "1.4.0",
     .language = "dotnet",
     .sdk_version = "1.8.1",
     .port = 7070,
     .routes = kCartRoutes,
     .downstreams = {},
     .external_host = "",
     .db_system = "redis",
     .db_name = "1",
     .db_host = "redis-cart.shop.svc",
     .db_port = 6379,
     .queries = kRedisCartQueries,
     .messaging_system = "",
     .topic = "",
     .consumer = -1,
     .consumes_system = "",
     .consumes_topic = "",
     .internal_ops = kCartOps,
     .exception_type = "StackExchange.Redis.RedisConnectionException"},
    {.name = "shipping",
     .version = "0.8.2",
     .language = "rust",
     .sdk_version = "0.23.0",
     .port = 50051,
     .routes = kShippingRoutes,
     .downstreams = {},
     .external_host = "api.carrier.example",
     .db_system = "",
     .db_name = "",
     .db_host = "",
     .db_port = 0,
     .queries = {},
     .messaging_system = "",
     .topic = "",
     .consumer = -1,
     .consumes_system = "",
     .consumes_topic = "",
     .internal_ops = kShippingOps,
     .exception_type = "reqwest::Error"},
    {.name = "order-worker",
     .version = "3.2.1",
     .language = "java",
     .sdk_version = "1.38.0",
     .port = 8090,
     .routes = {},
     .downstreams = kOrderWorkerDown,
     .external_host = "",
     .db_system = "postgresql",
     .db_name = "orders",
     .db_host = "orders-db.shop.svc",
     .db_port = 5432,
     .queries = kOrderQueries,
     .messaging_system = "rabbitmq",
     .topic = "notifications",
     .consumer = kNotification,
     .consumes_system = "kafka",
     .consumes_topic = "orders",
     .internal_ops = kOrderWorkerOps,
     .exception_type = "org.postgresql.util.PSQLException"},
    {.name = "notification",
     .version = "1.1.7",
     .language = "go",
     .sdk_version = "1.28.0",
     .port = 8095,
     .routes = {},
     .downstreams = {},
     .external_host = "smtp-relay.example",
     .db_system = "mongodb",
     .db_name = "notify",
     .db_host = "mongo.shop.svc",
     .db_port = 27017,
     .queries = kMongoQueries,
     .messaging_system = "",
     .topic = "",
     .consumer = -1,
     .consumes_system = "rabbitmq",
     .consumes_topic = "notifications",
     .internal_ops = kNotificationOps,
     .exception_type = "*net.OpError"},
};
static_assert(std::size(kServices) == kServiceCount);

constexpr std::string_view kNodes[] = {"ip-10-0-1-17.ec2.internal", "ip-10-0-2-41.ec2.internal",
                                       "ip-10-0-3-9.ec2.internal", "ip-10-0-3-122.ec2.internal"};

}  // namespace

std::span<const Service> Services() { return kServices; }

std::span<const std::string_view> NodeNames() { return kNodes; }

}  // namespace vivace::loadgen
