// Boolean formulas over predicates, in negation normal form, with Kleene
// three-valued evaluation; and the view-separable terms built from them.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace tripline {

struct Pred;

enum class Tri : uint8_t { F, U, T };

struct Formula {
    enum class Kind { True, False, Lit, And, Or } kind = Kind::True;
    int pred = -1;     // Lit
    bool neg = false;  // Lit: not pred
    std::vector<Formula> kids;

    static Formula yes() { return Formula{Kind::True, -1, false, {}}; }
    static Formula no() { return Formula{Kind::False, -1, false, {}}; }
    static Formula lit(int pred, bool neg) { return Formula{Kind::Lit, pred, neg, {}}; }

    bool operator==(const Formula&) const = default;
    std::string text(const std::vector<Pred>& preds) const;  // deterministic
};

// Constructors that flatten and fold constants.
Formula make_and(std::vector<Formula> kids);
Formula make_or(std::vector<Formula> kids);

// not f, in negation normal form
Formula negate(const Formula& f);
// f with each literal on predicate p replaced by exact(p) (negated for `not p`)
Formula map_literals(const Formula& f, const std::function<Formula(int pred)>& exact);

Tri eval3(const Formula& f, const std::function<Tri(int pred)>& truth);
void collect_preds(const Formula& f, std::vector<int>& out);

// A term: a conjunction, over views, of one formula per view. The kernel
// evaluates each view's formula with one lookup (tables.h).
struct Term {
    std::map<int, Formula> parts;  // view -> formula over predicates the view decides
    bool operator==(const Term&) const = default;
};

struct TermList {
    std::vector<Term> terms;  // empty: never matches
    bool weakened = false;    // a cap forced a sound over-approximation
};

}  // namespace tripline
