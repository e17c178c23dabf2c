#include <ordertrace/config/lifecycle_file.hpp>
#include <ordertrace/util/error.hpp>
#include <ordertrace/util/time.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <string_view>

namespace ordertrace::config {
namespace {

using lifecycle::Definition;

// The smallest useful lifecycle; tests change one thing in it at a time.
constexpr std::string_view k_minimal = R"({
  "states": [
    {"name": "NEW", "owner": "shop", "allowance": "1d"},
    {"name": "SUBMITTED", "owner": "shop", "allowance": "15m"},
    {"name": "DONE", "owner": "crm"}
  ]
})";

std::string replaced(std::string_view text, std::string_view from, std::string_view to) {
  std::string result(text);
  const std::size_t at = result.find(from);
  EXPECT_NE(at, std::string::npos) << "test bug: \"" << from << "\" not in the document";
  if (at != std::string::npos) {
    result.replace(at, from.size(), to);
  }
  return result;
}

// The message of the InputError that parsing `text` throws, or a note that none was thrown.
std::string error_of(std::string_view text) {
  try {
    parse_lifecycle(text, "test.json");
  } catch (const InputError& error) {
    return error.what();
  }
  return "(no error)";
}

std::int64_t duration(std::string_view text) {
  return util::parse_duration(text).value();
}

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

TEST(DefaultLifecycle, HasTheTenStatesOfTheSpecInOrder) {
  const Definition definition = default_lifecycle();
  const std::vector<std::string> expected = {"INITIATED",
                                             "FILE_UPLOADED",
                                             "SUBMITTED",
                                             "PRICE_CALCULATED",
                                             "MANUFACTURING_APPROVED",
                                             "MANUFACTURING_STARTED",
                                             "MANUFACTURING_COMPLETED",
                                             "PACKAGING",
                                             "SHIPPED",
                                             "CLOSED"};
  ASSERT_EQ(definition.states.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(definition.states[i].name, expected[i]);
    EXPECT_EQ(definition.states[i].required, expected[i] != "FILE_UPLOADED") << expected[i];
  }
  EXPECT_EQ(definition.name, "default");
  EXPECT_EQ(definition.commitment_state, "SUBMITTED");
  EXPECT_DOUBLE_EQ(definition.lost_factor, 3.0);
}

TEST(DefaultLifecycle, HasTheOwnersAndAllowancesOfTheSpec) {
  const Definition definition = default_lifecycle();
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"shop-api", "7d"}, {"shop-api", "7d"}, {"shop-api", "15m"}, {"mes", "2d"},
      {"crm-api", "3d"},  {"mes", "10d"},     {"mes", "1d"},       {"mes", "2d"},
      {"mes", "14d"},     {"crm-api", ""}};
  ASSERT_EQ(definition.states.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const lifecycle::StateDefinition& state = definition.states[i];
    EXPECT_EQ(state.owner, expected[i].first) << state.name;
    if (expected[i].second.empty()) {
      EXPECT_FALSE(state.allowance) << state.name;
    } else {
      EXPECT_EQ(state.allowance, duration(expected[i].second)) << state.name;
    }
  }
}

TEST(DefaultLifecycle, HasTheTracingContractOfTheSpec) {
  const Definition definition = default_lifecycle();
  EXPECT_EQ(definition.order_id_keys,
            (std::vector<std::string>{"order.id", "order_id", "orderId", "app.order.id"}));
  EXPECT_EQ(definition.status_attribute, "order.status");
  EXPECT_EQ(definition.status_event, "order.status_changed");
  EXPECT_EQ(definition.services, (std::vector<std::string>{"shop-api", "crm-api", "mes"}));
  const auto submitted = definition.index_of("SUBMITTED").value();
  EXPECT_EQ(definition.states[submitted].queues, std::vector<std::string>{"orders.submitted"});
  EXPECT_EQ(definition.addresses.at("mes.internal"), "mes");
}

TEST(DefaultLifecycle, IsSelfConsistent) {
  const Definition definition = default_lifecycle();
  for (const lifecycle::StateDefinition& state : definition.states) {
    EXPECT_TRUE(contains(definition.services, state.owner)) << state.name;
    const bool last = &state == &definition.states.back();
    EXPECT_EQ(state.allowance.has_value(), !last) << state.name;
    if (state.allowance) {
      EXPECT_GT(*state.allowance, 0) << state.name;
    }
    for (const std::string& queue : state.queues) {
      EXPECT_FALSE(queue.empty()) << state.name;
    }
  }
  EXPECT_TRUE(definition.index_of(definition.commitment_state));
  ASSERT_FALSE(definition.rules.empty());
  for (const lifecycle::MappingRule& rule : definition.rules) {
    EXPECT_TRUE(definition.index_of(rule.state)) << rule.state;
    EXPECT_TRUE(contains(definition.services, rule.service)) << rule.state;
    EXPECT_TRUE(rule.operation || rule.attribute) << rule.state;
    EXPECT_EQ(rule.attribute.has_value(), rule.attribute_value.has_value()) << rule.state;
  }
  for (const auto& [host, service] : definition.addresses) {
    EXPECT_TRUE(contains(definition.services, service)) << host;
  }
}

TEST(DefaultLifecycle, MapsTheStatesMesCannotReport) {
  const Definition definition = default_lifecycle();
  for (const char* state : {"PRICE_CALCULATED", "MANUFACTURING_STARTED", "MANUFACTURING_COMPLETED",
                            "PACKAGING", "SHIPPED"}) {
    EXPECT_TRUE(std::any_of(definition.rules.begin(), definition.rules.end(),
                            [&](const lifecycle::MappingRule& rule) {
                              return rule.state == state && rule.service == "mes";
                            }))
        << state;
  }
  // A list of attribute keys becomes one rule per key.
  const auto routes = std::count_if(
      definition.rules.begin(), definition.rules.end(), [](const lifecycle::MappingRule& rule) {
        return rule.state == "MANUFACTURING_STARTED" && rule.attribute &&
               rule.attribute_value == "/operator/orders/*/start";
      });
  EXPECT_EQ(routes, 3);
}

TEST(DefaultLifecycle, IsTheShippedDataFile) {
  const Definition built_in = default_lifecycle();
  const Definition on_disk =
      load_lifecycle_file(std::string(ORDERTRACE_SOURCE_DIR) + "/data/lifecycle/default.json");
  ASSERT_EQ(on_disk.states.size(), built_in.states.size());
  for (std::size_t i = 0; i < built_in.states.size(); ++i) {
    EXPECT_EQ(on_disk.states[i].name, built_in.states[i].name);
    EXPECT_EQ(on_disk.states[i].allowance, built_in.states[i].allowance);
  }
  EXPECT_EQ(on_disk.rules.size(), built_in.rules.size());
  EXPECT_EQ(on_disk.addresses, built_in.addresses);
}

TEST(ParseLifecycle, FillsDefaultsForKeysLeftOut) {
  const Definition definition = parse_lifecycle(k_minimal, "/etc/ordertrace/small.json");
  EXPECT_EQ(definition.name, "small");
  ASSERT_EQ(definition.states.size(), 3U);
  EXPECT_TRUE(definition.states[0].required);
  EXPECT_EQ(definition.states[1].allowance, duration("15m"));
  EXPECT_FALSE(definition.states[2].allowance);
  EXPECT_EQ(definition.services, (std::vector<std::string>{"shop", "crm"}));
  EXPECT_EQ(definition.commitment_state, "SUBMITTED");
  EXPECT_EQ(definition.order_id_keys, Definition{}.order_id_keys);
  EXPECT_EQ(definition.status_attribute, "order.status");
  EXPECT_DOUBLE_EQ(definition.lost_factor, 3.0);
  EXPECT_TRUE(definition.rules.empty());
  EXPECT_TRUE(definition.addresses.empty());
}

TEST(ParseLifecycle, ReadsEveryKey) {
  const Definition definition = parse_lifecycle(R"({
    "comment": ["anything", 1],
    "version": 1,
    "name": "workshop",
    "commitment_state": "B",
    "lost_factor": 2.5,
    "order_id_keys": ["oid"],
    "status_attribute": "st",
    "status_event": "st.changed",
    "services": ["x", "y", "z"],
    "addresses": {"x.local": "x"},
    "states": [
      {"name": "A", "owner": "x", "required": false, "allowance": "1.5h", "queues": ["q1", "q2"],
       "description": "first", "comment": "c"},
      {"name": "B", "owner": "y", "allowance": "2w"},
      {"name": "C", "owner": "y", "allowance": null, "queues": []}
    ],
    "rules": [
      {"service": "z", "operation": "Do*", "state": "B", "description": "d", "comment": "c"},
      {"service": "z", "attribute": "http.route", "value": "/b/*", "state": "C"},
      {"service": "z", "operation": "POST *", "attribute": ["url.path", "http.target"],
       "value": "/c", "state": "C"}
    ]
  })",
                                                "x.json");
  EXPECT_EQ(definition.name, "workshop");
  EXPECT_EQ(definition.commitment_state, "B");
  EXPECT_DOUBLE_EQ(definition.lost_factor, 2.5);
  EXPECT_EQ(definition.order_id_keys, std::vector<std::string>{"oid"});
  EXPECT_EQ(definition.status_attribute, "st");
  EXPECT_EQ(definition.status_event, "st.changed");
  EXPECT_EQ(definition.services, (std::vector<std::string>{"x", "y", "z"}));
  EXPECT_EQ(definition.addresses.at("x.local"), "x");
  EXPECT_FALSE(definition.states[0].required);
  EXPECT_EQ(definition.states[0].allowance, duration("90m"));
  EXPECT_EQ(definition.states[0].queues, (std::vector<std::string>{"q1", "q2"}));
  EXPECT_TRUE(definition.states[2].queues.empty());
  ASSERT_EQ(definition.rules.size(), 4U);
  EXPECT_EQ(definition.rules[0].operation, "Do*");
  EXPECT_FALSE(definition.rules[0].attribute);
  EXPECT_FALSE(definition.rules[1].operation);
  EXPECT_EQ(definition.rules[1].attribute, "http.route");
  EXPECT_EQ(definition.rules[1].attribute_value, "/b/*");
  EXPECT_EQ(definition.rules[2].operation, "POST *");
  EXPECT_EQ(definition.rules[2].attribute, "url.path");
  EXPECT_EQ(definition.rules[3].attribute, "http.target");
  EXPECT_EQ(definition.rules[3].attribute_value, "/c");
}

TEST(ParseLifecycleErrors, MalformedJsonNamesTheByte) {
  // nlohmann names the byte that ended the bad token; its text after the position may
  // change between its versions, so only the start of the message is compared.
  const auto expect_prefix = [](std::string_view text, std::string_view prefix) {
    const std::string message = error_of(text);
    EXPECT_TRUE(message.starts_with(prefix)) << message;
  };
  expect_prefix("{\"states\": [}", "test.json:byte 13: line 1, column 13: syntax error ");
  expect_prefix("", "test.json:byte 1: line 1, column 1: syntax error ");
  expect_prefix("{\"states\": []} x", "test.json:byte 16: line 1, column 16: syntax error ");
  expect_prefix("{\n  \"states\": [\n    {\"name\" \"A\"}\n  ]\n}",
                "test.json:byte 31: line 3, column 15: syntax error ");
}

TEST(ParseLifecycleErrors, UnknownKeySuggestsTheNearestKnownOne) {
  EXPECT_EQ(error_of(replaced(k_minimal, "\"allowance\": \"1d\"", "\"allowence\": \"1d\"")),
            "test.json: /states/0/allowence: unknown key; did you mean \"allowance\"?");
  EXPECT_EQ(error_of(replaced(k_minimal, "\"states\"", "\"lost_factor\": 2, \"stats\"")),
            "test.json: /stats: unknown key; did you mean \"states\"?");
  EXPECT_EQ(error_of(replaced(k_minimal, "\"owner\": \"crm\"", "\"owner\": \"crm\", \"xyz\": 1")),
            "test.json: /states/2/xyz: unknown key; known keys: name, owner, required, allowance, "
            "queues, calendar, description, comment");
}

TEST(ParseLifecycleErrors, DuplicateKey) {
  EXPECT_EQ(
      error_of(replaced(k_minimal, "\"owner\": \"crm\"", "\"owner\": \"crm\", \"owner\": \"x\"")),
      "test.json: /states/2/owner: duplicate key");
  EXPECT_EQ(
      error_of(replaced(k_minimal, "\"states\"",
                        R"("order_id_keys": ["a", "b"], "addresses": {"x": "shop", "x": "crm"},
                                 "states")")),
      "test.json: /addresses/x: duplicate key");
}

TEST(ParseLifecycleErrors, DuplicateState) {
  EXPECT_EQ(error_of(replaced(k_minimal, "\"name\": \"SUBMITTED\"", "\"name\": \"NEW\"")),
            "test.json: /states/1/name: duplicate state \"NEW\" (first at /states/0)");
}

TEST(ParseLifecycleErrors, EmptyOrMissingStateList) {
  EXPECT_EQ(error_of(R"({"states": []})"), "test.json: /states: must list at least one state");
  EXPECT_EQ(error_of(R"({"name": "x"})"), "test.json: missing key \"states\"");
  EXPECT_EQ(error_of(R"({"states": {}})"),
            "test.json: /states: must be an array of states, not an object");
}

TEST(ParseLifecycleErrors, MissingOwnerOrName) {
  EXPECT_EQ(error_of(replaced(k_minimal, "\"owner\": \"crm\"", "\"required\": true")),
            "test.json: /states/2: missing key \"owner\"");
  EXPECT_EQ(error_of(replaced(k_minimal, "\"name\": \"DONE\", ", "")),
            "test.json: /states/2: missing key \"name\"");
  EXPECT_EQ(error_of(replaced(k_minimal, "\"owner\": \"crm\"", "\"owner\": \"\"")),
            "test.json: /states/2/owner: must not be empty");
}

TEST(ParseLifecycleErrors, OwnerNotAmongTheServices) {
  EXPECT_EQ(error_of(replaced(k_minimal, "\"states\"",
                              "\"services\": [\"shop\", \"crm-api\"], \"states\"")),
            "test.json: /states/2/owner: unknown service \"crm\" (not in /services)");
  EXPECT_EQ(
      error_of(replaced(k_minimal, "\"states\"", "\"services\": [\"shop\", \"crn\"], \"states\"")),
      "test.json: /states/2/owner: unknown service \"crm\" (not in /services); did you mean "
      "\"crn\"?");
  EXPECT_EQ(error_of(replaced(k_minimal, "\"states\"",
                              "\"services\": [\"shop\", \"crm\", \"shop\"], \"states\"")),
            "test.json: /services/2: duplicate service \"shop\"");
}

TEST(ParseLifecycleErrors, BadDuration) {
  EXPECT_EQ(error_of(replaced(k_minimal, "\"1d\"", "\"1 day\"")),
            "test.json: /states/0/allowance: \"1 day\" is not a duration (for example \"15m\", "
            "\"2d\", \"1h30m\"; units ns us ms s m h d w)");
  EXPECT_EQ(error_of(replaced(k_minimal, "\"1d\"", "\"15\"")),
            "test.json: /states/0/allowance: \"15\" is not a duration (for example \"15m\", "
            "\"2d\", \"1h30m\"; units ns us ms s m h d w)");
  EXPECT_EQ(error_of(replaced(k_minimal, "\"1d\"", "86400")),
            "test.json: /states/0/allowance: must be a duration string such as \"15m\", not a "
            "number");
  EXPECT_EQ(error_of(replaced(k_minimal, "\"1d\"", "\"0s\"")),
            "test.json: /states/0/allowance: must be longer than 0s");
}

TEST(ParseLifecycleErrors, NonFinalStateWithoutAllowance) {
  EXPECT_EQ(error_of(replaced(k_minimal, ", \"allowance\": \"15m\"", "")),
            "test.json: /states/1: missing key \"allowance\" (every state but the last needs one)");
  EXPECT_EQ(error_of(replaced(k_minimal, "\"15m\"", "null")),
            "test.json: /states/1/allowance: null is allowed only on the last state; every other "
            "state needs an allowance");
}

TEST(ParseLifecycleErrors, FinalStateWithAllowanceOrQueue) {
  EXPECT_EQ(error_of(replaced(k_minimal, "\"owner\": \"crm\"",
                              "\"owner\": \"crm\", \"allowance\": \"1d\"")),
            "test.json: /states/2/allowance: the last state has no next state to allow time for; "
            "remove \"allowance\" or set it to null");
  EXPECT_EQ(error_of(replaced(k_minimal, "\"owner\": \"crm\"",
                              "\"owner\": \"crm\", \"queues\": [\"q\"]")),
            "test.json: /states/2/queues: the last state has no transition for a queue to carry");
}

TEST(ParseLifecycleErrors, CommitmentStateUnknown) {
  EXPECT_EQ(
      error_of(replaced(k_minimal, "\"states\"", "\"commitment_state\": \"SUBMITED\", \"states\"")),
      "test.json: /commitment_state: unknown state \"SUBMITED\"; did you mean \"SUBMITTED\"?");
  EXPECT_EQ(error_of(replaced(k_minimal, "\"SUBMITTED\"", "\"PLACED\"")),
            "test.json: /commitment_state: unknown state \"SUBMITTED\" (the default; name the "
            "state where orders become commitments)");
}

TEST(ParseLifecycleErrors, LostFactorNotAboveOne) {
  EXPECT_EQ(error_of(replaced(k_minimal, "\"states\"", "\"lost_factor\": 1, \"states\"")),
            "test.json: /lost_factor: must be greater than 1, not 1");
  EXPECT_EQ(error_of(replaced(k_minimal, "\"states\"", "\"lost_factor\": 0.5, \"states\"")),
            "test.json: /lost_factor: must be greater than 1, not 0.5");
  EXPECT_EQ(error_of(replaced(k_minimal, "\"states\"", "\"lost_factor\": -3, \"states\"")),
            "test.json: /lost_factor: must be greater than 1, not -3");
  EXPECT_EQ(error_of(replaced(k_minimal, "\"states\"", "\"lost_factor\": \"3\", \"states\"")),
            "test.json: /lost_factor: must be a number, not a string");
}

TEST(ParseLifecycleErrors, RuleNamingAnUnknownState) {
  EXPECT_EQ(error_of(replaced(k_minimal, "\"states\"",
                              R"("rules": [{"service": "shop", "operation": "x", "state": "DONE"},
                                          {"service": "shop", "operation": "y", "state": "DONNE"}],
                                 "states")")),
            "test.json: /rules/1/state: unknown state \"DONNE\"; did you mean \"DONE\"?");
  EXPECT_EQ(error_of(replaced(k_minimal, "\"states\"",
                              R"("rules": [{"service": "shop", "operation": "x", "state": "PAID"}],
                                 "states")")),
            "test.json: /rules/0/state: unknown state \"PAID\"");
}

TEST(ParseLifecycleErrors, RuleWithNeitherOperationNorAttribute) {
  EXPECT_EQ(error_of(replaced(k_minimal, "\"states\"",
                              R"("rules": [{"service": "shop", "state": "DONE"}], "states")")),
            "test.json: /rules/0: a rule needs \"operation\", \"attribute\" (with \"value\") or "
            "both");
  EXPECT_EQ(error_of(replaced(k_minimal, "\"states\"",
                              R"("rules": [{"service": "shop", "attribute": "http.route",
                                            "state": "DONE"}], "states")")),
            "test.json: /rules/0: \"attribute\" needs a \"value\" glob (\"*\" for any value)");
  EXPECT_EQ(error_of(replaced(k_minimal, "\"states\"",
                              R"("rules": [{"service": "shop", "operation": "x", "value": "/a",
                                            "state": "DONE"}], "states")")),
            "test.json: /rules/0/value: \"value\" needs an \"attribute\" to compare with");
}

TEST(ParseLifecycleErrors, RuleForAnUnknownService) {
  EXPECT_EQ(error_of(replaced(k_minimal, "\"states\"",
                              R"("rules": [{"service": "shopp", "operation": "x", "state": "DONE"}],
                                 "states")")),
            "test.json: /rules/0/service: unknown service \"shopp\" (not the owner of any state); "
            "did you mean \"shop\"?");
  EXPECT_EQ(error_of(replaced(k_minimal, "\"states\"", R"("addresses": {"a.b": "mes"}, "states")")),
            "test.json: /addresses/a.b: unknown service \"mes\" (not the owner of any state)");
}

TEST(ParseLifecycleErrors, WrongTypes) {
  EXPECT_EQ(error_of("[]"), "test.json: the top level must be an object, not an array");
  EXPECT_EQ(error_of(replaced(k_minimal, "\"owner\": \"crm\"",
                              "\"owner\": \"crm\", \"required\": \"no\"")),
            "test.json: /states/2/required: must be a boolean, not a string");
  EXPECT_EQ(error_of(replaced(k_minimal, "\"owner\": \"crm\"", "\"owner\": [\"crm\"]")),
            "test.json: /states/2/owner: must be a string, not an array");
  EXPECT_EQ(error_of(replaced(k_minimal, "\"owner\": \"shop\"", "\"owner\": null")),
            "test.json: /states/0/owner: must be a string, not null");
  EXPECT_EQ(
      error_of(replaced(k_minimal, "\"states\"", "\"order_id_keys\": \"order.id\", \"states\"")),
      "test.json: /order_id_keys: must be an array of attribute keys, not a string");
  EXPECT_EQ(
      error_of(replaced(k_minimal, "\"states\"", "\"order_id_keys\": [\"a\", 5], \"states\"")),
      "test.json: /order_id_keys/1: must be a string, not a number");
  EXPECT_EQ(error_of(replaced(k_minimal, "\"states\"", "\"order_id_keys\": [], \"states\"")),
            "test.json: /order_id_keys: must list at least one attribute key");
  EXPECT_EQ(error_of(replaced(k_minimal, "\"states\"", "\"rules\": {}, \"states\"")),
            "test.json: /rules: must be an array of rules, not an object");
  EXPECT_EQ(error_of(replaced(k_minimal, "\"states\"", "\"addresses\": [], \"states\"")),
            "test.json: /addresses: must be an object mapping host names to services, not an "
            "array");
  EXPECT_EQ(error_of(replaced(k_minimal, "\"states\"", "\"version\": 2, \"states\"")),
            "test.json: /version: unsupported version 2 (this ordertrace reads version 1)");
  EXPECT_EQ(error_of(replaced(k_minimal, R"({"name": "NEW", "owner": "shop", "allowance": "1d"})",
                              "\"NEW\"")),
            "test.json: /states/0: must be an object, not a string");
}

TEST(ParseLifecycleErrors, PointerEscapesSlashAndTilde) {
  EXPECT_EQ(error_of(replaced(k_minimal, "\"states\"", R"("a/b~c": 1, "states")")),
            "test.json: /a~1b~0c: unknown key; known keys: comment, version, name, states, "
            "commitment_state, lost_factor, order_id_keys, status_attribute, status_event, "
            "services, addresses, rules, redaction, endings, back_edges, order_types, calendars, "
            "hints");
}

TEST(ParseLifecycleErrors, MessagesStayOnOneLine) {
  EXPECT_EQ(error_of(R"({"states": [{"name": "A\nB", "owner": "x", "allowance": "1d"},
                                    {"name": "A\nB", "owner": "x"}]})"),
            "test.json: /states/1/name: duplicate state \"A\\x0aB\" (first at /states/0)");
}

TEST(LoadLifecycleFile, MissingFileIsAnInputErrorNamingIt) {
  const std::string path = std::string(ORDERTRACE_SOURCE_DIR) + "/data/lifecycle/no-such.json";
  try {
    load_lifecycle_file(path);
    FAIL() << "no error";
  } catch (const InputError& error) {
    EXPECT_EQ(std::string(error.what()),
              path + ": cannot open lifecycle file: No such file or directory");
  }
}

TEST(LoadLifecycleFile, DirectoryIsAnInputErrorNamingIt) {
  const std::string path = std::string(ORDERTRACE_SOURCE_DIR) + "/data/lifecycle";
  try {
    load_lifecycle_file(path);
    FAIL() << "no error";
  } catch (const InputError& error) {
    EXPECT_EQ(std::string(error.what()), path + ": cannot read lifecycle file: Is a directory");
  }
}

} // namespace
} // namespace ordertrace::config
