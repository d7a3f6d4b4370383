"""The medical knowledge of Fossa, as data: causes, red flags, factors and advice.

Everything here rests on one source, shared/knowledge/posterior-knee-pain-article.txt;
each item carries the passage it rests on, quoted verbatim (a test checks that).
The codes are fixed by shared/design/diary-schema.md, and so are the red-flag
triggers ("When a red flag is raised"). Conditions are written in the grammar of
``webapp.insights.conditions``; the engine is generic code over these tables, so a
new rule is new data plus a test, not new engine code.

Weights are the article's emphasis, not fitted to cases: the feature the article
names as the hallmark of a cause (a lump for a Baker's cyst, a blow or
hyperextension for a PCL sprain) weighs most; what several causes share (twisting,
numbness) weighs little; a hallmark recorded absent counts against.
"""

from __future__ import annotations

from typing import Any

SOURCE = "shared/knowledge/posterior-knee-pain-article.txt"

URGENCY_ORDER: tuple[str, ...] = ("self_care", "see_professional", "emergency")

# A person's words for each level of urgency.
URGENCY_WORDING: dict[str, str] = {
    "emergency": (
        "Seek emergency care now. Your log shows signs the article calls a medical emergency."
    ),
    "see_professional": (
        "See a healthcare professional, such as a sports medicine physician, orthopedist, "
        "or physical therapist, about what your log shows."
    ),
    "self_care": (
        "Nothing in your log calls for a professional right now: many causes of posterior "
        "knee pain can be managed with conservative measures. Keep logging, and see a "
        "professional if the pain persists or gets worse."
    ),
}

# The first words of a warning, where there is room for only a few.
URGENCY_HEADLINES: dict[str, str] = {
    "emergency": "Seek emergency care now",
    "see_professional": "See a healthcare professional",
    "self_care": "Self-care for now",
}

# What to do and when, said once at the top of /insights. The article gives one time
# frame: the DVT signs are "a medical emergency", so now. For the other signs it says
# to seek professional advice and names no deadline, so none is invented: an
# appointment, and what would turn it into an emergency.
URGENCY_WHEN: dict[str, dict[str, str]] = {
    "emergency": {
        "do": "Call your emergency number or get to emergency care.",
        "when": "Now. The article calls these signs a medical emergency: do not wait for an "
        "appointment.",
        "passage": (
            "Symptoms suggestive of a Deep Vein Thrombosis (DVT), such as sudden, severe "
            "pain, swelling, tenderness, and redness in the calf or thigh (this is a "
            "medical emergency)."
        ),
    },
    "see_professional": {
        "do": "Book an appointment with a healthcare professional, such as a sports medicine "
        "physician, orthopedist, or physical therapist.",
        # Said to the person, so not "the article names no deadline": these signs are
        # not among the article's emergencies, and the one that is stays in view.
        "when": "An ordinary appointment; these signs are not an emergency. If your calf or "
        "thigh becomes swollen, red or tender, get emergency care at once.",
        "passage": (
            "While many causes of posterior knee pain can be managed with conservative "
            "measures, it's crucial to seek professional medical advice if you experience:"
        ),
    },
    "self_care": {
        # The words already say when: "if the pain persists or gets worse".
        "do": URGENCY_WORDING["self_care"],
        "when": "",
        "passage": "Persistent pain that does not improve with rest or conservative management.",
    },
}

DISCLAIMER = (
    "This is guidance from your own log, read against one article on posterior knee pain: "
    "it is not a diagnosis. A healthcare professional, such as a sports medicine physician, "
    "orthopedist, or physical therapist, can accurately diagnose the cause of your pain "
    "through a thorough examination, imaging and functional assessment."
)

NOT_ENOUGH_TEXT = "Not enough to go on yet: the log cannot tell the possible causes apart."

ADVICE_PREAMBLE = (
    "Once serious conditions are ruled out and a diagnosis is made, general strategies can "
    "help manage and prevent posterior knee pain:"
)

# How far back each part of the engine looks, in days counted back from today
# (today included). Red flags: the schema's 14 days, 7 for the DVT signs.
RED_FLAG_WINDOW_DAYS = 14
# Causes and factors read the current episode: four weeks is long enough for the
# schema's longest pattern (14 days of pain) and short enough that an old,
# healed injury does not colour today's picture.
EPISODE_WINDOW_DAYS = 28

# How scores read. A cause's score is the sum of its sign weights that the log shows,
# less the weights of its hallmarks recorded absent.
SCORING: dict[str, float | int] = {
    "likely_at": 4.5,  # about a hallmark plus one more sign of the article's description
    "possible_at": 2.5,  # about one hallmark, or two lesser signs
    # Enough to go on: the leading cause has at least a hallmark's worth of evidence
    # and leads the next by a clear margin; otherwise the engine asks, not guesses.
    "enough_score": 3.0,
    "enough_margin": 1.5,
    "leading_causes": 3,  # how many causes "leading" means, for questions and advice
    # What to ask: the questions that separate the leading causes, by expected
    # information (bits, with the cause scores read as odds at this temperature);
    # a question is worth asking from `min_information_bits`. At most this many of
    # each kind at a time, so a quiet day asks little.
    "max_questions": 2,
    "temperature": 1.5,
    "min_information_bits": 0.095,
    "max_note_questions": 2,
    "max_factor_questions": 1,
}

_CALF_SIGNS = ["calf_swelling", "calf_redness", "calf_tenderness"]

# ---------------------------------------------------------------- red flags
# trigger kinds:
#   entry       - `when` holds on one entry of the window
#   followed_by - `first` on one entry, `then` on the same entry or a later one
#   persistent  - the pain trend of the schema (needs several days)
RED_FLAGS: list[dict[str, Any]] = [
    {
        "code": "dvt_suspected",
        "urgency": "emergency",
        "title": "Signs of a deep vein thrombosis (DVT) in the calf or thigh",
        "advice": (
            "Seek emergency care now. Swelling, tenderness and redness in the calf or "
            "thigh, or sudden, severe pain, can be symptoms of a deep vein thrombosis "
            "(DVT): the article calls this a medical emergency."
        ),
        "passage": (
            "Symptoms suggestive of a Deep Vein Thrombosis (DVT), such as sudden, severe "
            "pain, swelling, tenderness, and redness in the calf or thigh (this is a "
            "medical emergency)."
        ),
        "window_days": 7,
        "trigger": {
            "kind": "entry",
            "when": {
                "any": [
                    {"count_of": _CALF_SIGNS, "is": True, "at_least": 2},
                    {
                        "all": [
                            {"count_of": _CALF_SIGNS, "is": True, "at_least": 1},
                            {"field": "pain", "at_least": 7},
                            # An unrecorded onset could be sudden: safety first.
                            {"field": "onset", "not_recorded_as": "gradual"},
                        ]
                    },
                ]
            },
        },
    },
    {
        "code": "severe_pain_no_weight_bearing",
        "urgency": "see_professional",
        "title": "Severe pain, or pain that stops you bearing weight",
        "advice": (
            "See a healthcare professional: severe pain, especially if it prevents "
            "weight-bearing or normal movement, is a reason to seek professional advice."
        ),
        "passage": "Severe pain, especially if it prevents weight-bearing or normal movement.",
        "window_days": RED_FLAG_WINDOW_DAYS,
        "trigger": {
            "kind": "entry",
            "when": {
                "any": [
                    {"field": "can_bear_weight", "is": False},
                    {"field": "pain", "at_least": 8},
                ]
            },
        },
    },
    {
        "code": "swelling_redness_warmth",
        "urgency": "see_professional",
        "title": "Significant swelling, redness or warmth around the knee",
        "advice": (
            "See a healthcare professional: significant swelling, redness, or warmth "
            "around the knee is a reason to seek professional advice."
        ),
        "passage": "Significant swelling, redness, or warmth around the knee.",
        "window_days": RED_FLAG_WINDOW_DAYS,
        "trigger": {
            "kind": "entry",
            "when": {
                "any": [
                    {"field": "swelling", "in": ["moderate", "severe"]},
                    {"field": "knee_redness_warmth", "is": True},
                ]
            },
        },
    },
    {
        "code": "neuro_symptoms",
        "urgency": "see_professional",
        "title": "Numbness, tingling or weakness in the leg or foot",
        "advice": (
            "See a healthcare professional: numbness, tingling, or weakness in the leg or "
            "foot is a reason to seek professional advice."
        ),
        "passage": "Numbness, tingling, or weakness in the leg or foot.",
        "window_days": RED_FLAG_WINDOW_DAYS,
        "trigger": {
            "kind": "entry",
            "when": {
                "any": [
                    {"field": "numbness", "is": True},
                    {"field": "weakness", "is": True},
                ]
            },
        },
    },
    {
        "code": "popping_injury",
        "urgency": "see_professional",
        "title": "A pop at the time of injury, followed by swelling",
        "advice": (
            'See a healthcare professional: a "popping" sound at the time of injury, '
            "followed by pain and swelling, is a reason to seek professional advice."
        ),
        "passage": 'A "popping" sound at the time of injury, followed by pain and swelling.',
        "window_days": RED_FLAG_WINDOW_DAYS,
        "trigger": {
            "kind": "followed_by",
            "first": {"field": "popping", "is": True},
            "then": {"field": "swelling", "in": ["mild", "moderate", "severe"]},
        },
    },
    {
        "code": "persistent_pain",
        "urgency": "see_professional",
        "title": "Pain that does not improve with rest",
        "advice": (
            "See a healthcare professional: persistent pain that does not improve with "
            "rest or conservative management is a reason to seek professional advice."
        ),
        "passage": "Persistent pain that does not improve with rest or conservative management.",
        "window_days": RED_FLAG_WINDOW_DAYS,
        "trigger": {
            "kind": "persistent",
            # Pain logged across this many days or more, ending in the window...
            "span_days": 14,
            # ...judged in two halves of this many days each (first and last week)...
            "half_days": 7,
            # ...the rest days (activity none) of the last half still hurt this much on
            # average: pain that vanishes with rest is not this flag...
            "rest_field": "activity",
            "rest_value": "none",
            "rest_pain_at_least": 2,
            # ...and the last half is not this many points better than the first.
            "improvement_at_least": 2,
        },
    },
]

# ---------------------------------------------------------------- causes
# Each sign: `when` (a condition on one entry) adds `weight` if it holds on any painful
# entry of the episode; otherwise, if `against` holds on an entry, `against_weight` is
# subtracted. A sign may have only `against` (weight 0). Labels are the note shown
# with the evidence. `"specific": False` marks a sign the article gives several
# causes or none in particular (an onset, a common sport): it adds to a cause the
# log already points at, but never puts a cause on the list by itself.
_OVERUSE = {"field": "onset", "is": "gradual"}
_SUDDEN = {"field": "onset", "is": "sudden"}
_NOT_A_BLOW = {"field": "mechanism", "in": ["none", "twisting", "forceful_push_off"]}
# True unless an earlier injury to this knee is recorded (an episode fact).
_NO_EARLIER_INJURY = {"field": "prior_injury", "not_recorded_as": True}

CAUSES: list[dict[str, Any]] = [
    {
        "code": "distal_hamstring_tendinopathy",
        "name": "Distal hamstring tendinopathy",
        "passage": (
            "This is often an overuse injury, common in runners or those performing "
            "repetitive knee flexion (e.g., cycling). Pain is typically felt with knee "
            "flexion against resistance or stretching the hamstrings."
        ),
        "acute": False,
        "signs": [
            {
                "id": "resisted_flexion",
                "label": "pain bending the knee against resistance",
                "when": {"field": "provoked_by", "has": "resisted_flexion"},
                "weight": 3.0,
            },
            {
                "id": "hamstring_stretch",
                "label": "pain stretching the hamstrings",
                "when": {"field": "provoked_by", "has": "hamstring_stretch"},
                "weight": 2.0,
            },
            {
                "id": "overuse",
                "specific": False,
                "label": "began gradually, like an overuse injury",
                "when": _OVERUSE,
                "weight": 1.0,
                "against": _SUDDEN,
                "against_label": "began suddenly, not like an overuse injury",
                "against_weight": 1.5,
            },
            {
                "id": "runner_or_cyclist",
                "specific": False,
                "label": "running or cycling",
                "when": {"field": "activity", "in": ["running", "cycling"]},
                "weight": 1.0,
            },
            {
                "id": "hamstring_area",
                "specific": False,
                "label": "pain at the lower back of the thigh, where the hamstrings are",
                "when": {"field": "locations", "has": "thigh"},
                "weight": 0.5,
            },
        ],
    },
    {
        "code": "hamstring_strain",
        "name": "Hamstring strain or tear",
        "passage": (
            "An acute injury to the hamstring muscle fibers, ranging from mild pulls to "
            "severe tears. Occurs during forceful knee extension or hip flexion, common in "
            "sprinting or sudden acceleration."
        ),
        "acute": True,
        "signs": [
            {
                "id": "sprinting",
                "label": "sprinting",
                "when": {"field": "activity", "is": "sprinting"},
                "weight": 2.0,
            },
            {
                "id": "sudden_acceleration",
                "label": "a forceful push-off or sprint",
                "when": {"field": "mechanism", "is": "forceful_push_off"},
                "weight": 2.0,
            },
            {
                "id": "acute",
                "specific": False,
                "label": "began suddenly, like an acute injury",
                "when": _SUDDEN,
                "weight": 1.5,
                "against": _OVERUSE,
                "against_label": "began gradually, not like an acute injury",
                "against_weight": 1.5,
            },
            {
                "id": "hamstring_area",
                "specific": False,
                "label": "pain at the lower back of the thigh, where the hamstrings are",
                "when": {"field": "locations", "has": "thigh"},
                "weight": 1.5,
            },
        ],
    },
    {
        "code": "gastrocnemius_strain",
        "name": "Gastrocnemius (calf) strain or tendinopathy",
        "passage": (
            "Overuse or sudden forceful plantarflexion (pointing the foot down) can strain "
            "these muscle fibers or their tendons, causing pain that radiates from the back "
            "of the knee down into the calf."
        ),
        "acute": True,
        "signs": [
            {
                "id": "into_calf",
                "label": "pain spreading down into the calf",
                "when": {"field": "locations", "has": "calf"},
                "weight": 2.0,
            },
            {
                "id": "plantarflexion",
                "label": "pain pointing the foot or rising on tiptoe",
                "when": {"field": "provoked_by", "has": "tiptoe"},
                "weight": 2.5,
            },
            {
                "id": "forceful_push_off",
                "label": "a forceful push-off",
                "when": {"field": "mechanism", "is": "forceful_push_off"},
                "weight": 1.5,
            },
        ],
    },
    {
        "code": "bakers_cyst",
        "name": "Popliteal (Baker's) cyst",
        "passage": (
            "Exercise can increase fluid production, making the cyst more prominent and "
            "painful, especially with full knee flexion or extension. It may feel like a "
            "lump or cause a sensation of fullness."
        ),
        "acute": False,
        "signs": [
            {
                "id": "lump",
                "label": "a lump or fullness behind the knee",
                "when": {"field": "lump", "is": True},
                "weight": 3.5,
                "against": {"field": "lump", "is": False},
                "against_label": "no lump or fullness behind the knee",
                "against_weight": 2.5,
            },
            {
                "id": "full_flexion",
                "specific": False,
                "label": "pain with full knee flexion",
                "when": {"field": "provoked_by", "has": "deep_flexion"},
                "weight": 1.0,
            },
            {
                "id": "full_extension",
                "label": "pain with full knee extension",
                "when": {"field": "provoked_by", "has": "full_extension"},
                "weight": 1.5,
            },
            {
                # "often associated with underlying knee joint issues like arthritis or
                # meniscal tears": a small nudge, never enough on its own.
                "id": "joint_issue",
                "specific": False,
                "label": "mechanical symptoms of the knee joint",
                "when": {
                    "any": [
                        {"field": "clicking", "is": True},
                        {"field": "locking", "is": True},
                        {"field": "giving_way", "is": True},
                    ]
                },
                "weight": 0.5,
            },
        ],
    },
    {
        "code": "popliteus_tendinopathy",
        "name": "Popliteus tendinopathy",
        "passage": (
            "Its tendon can become inflamed due to overuse, particularly in downhill running "
            "or activities requiring repetitive knee rotation or stabilization."
        ),
        "acute": False,
        "signs": [
            {
                "id": "downhill_running",
                "label": "downhill running",
                "when": {"field": "activity", "is": "downhill_running"},
                "weight": 3.5,
            },
            {
                "id": "rotation",
                "label": "pain with twisting (knee rotation)",
                "when": {"field": "provoked_by", "has": "twisting"},
                "weight": 1.0,
            },
            {
                "id": "overuse",
                "specific": False,
                "label": "began gradually, like an overuse injury",
                "when": _OVERUSE,
                "weight": 1.0,
                "against": _SUDDEN,
                "against_label": "began suddenly, not like an overuse injury",
                "against_weight": 1.0,
            },
        ],
    },
    {
        "code": "posterior_meniscus_injury",
        "name": "Posterior meniscus injury",
        "passage": (
            "Tears, especially to the posterior horn of the medial or lateral meniscus, can "
            "cause pain at the back of the knee, particularly with deep squats, twisting "
            "movements, or full knee flexion. Mechanical symptoms like clicking, locking, or "
            "giving way may also be present."
        ),
        "acute": True,
        "signs": [
            {
                "id": "deep_flexion",
                "label": "pain in a deep squat or full bend",
                "when": {"field": "provoked_by", "has": "deep_flexion"},
                "weight": 1.5,
            },
            {
                "id": "squats",
                "specific": False,
                "label": "squats",
                "when": {"field": "activity", "is": "squats"},
                "weight": 0.5,
            },
            {
                "id": "twisting",
                "label": "pain with twisting movements",
                "when": {"field": "provoked_by", "has": "twisting"},
                "weight": 1.0,
            },
            {
                "id": "twisting_injury",
                "label": "it began with a twist",
                "when": {"field": "mechanism", "is": "twisting"},
                "weight": 1.5,
            },
            {
                "id": "clicking",
                "label": "clicking",
                "when": {"field": "clicking", "is": True},
                "weight": 1.25,
                "against": {"field": "clicking", "is": False},
                "against_label": "no clicking",
                "against_weight": 0.5,
            },
            {
                "id": "locking",
                "label": "locking",
                "when": {"field": "locking", "is": True},
                "weight": 1.25,
                "against": {"field": "locking", "is": False},
                "against_label": "no locking",
                "against_weight": 0.5,
            },
            {
                "id": "giving_way",
                "label": "giving way",
                "when": {"field": "giving_way", "is": True},
                "weight": 1.25,
                "against": {"field": "giving_way", "is": False},
                "against_label": "no giving way",
                "against_weight": 0.5,
            },
        ],
    },
    {
        "code": "pcl_sprain",
        "name": "Posterior cruciate ligament (PCL) sprain",
        "passage": (
            "It typically results from a direct blow to the front of the tibia when the knee "
            "is bent, or hyperextension. Chronic PCL laxity can lead to pain during "
            "activities that stress the posterior knee."
        ),
        "acute": True,
        "signs": [
            {
                "id": "blow_or_hyperextension",
                "label": "a blow to the front of the shin with the knee bent, or hyperextension",
                "when": {"field": "mechanism", "in": ["direct_blow", "hyperextension"]},
                "weight": 5.0,
                # Not against a chronic laxity: that pain comes without a new blow.
                "against": {"all": [_NOT_A_BLOW, _NO_EARLIER_INJURY]},
                "against_label": "no blow to the shin and no hyperextension",
                "against_weight": 2.0,
            },
            {
                "id": "acute",
                "specific": False,
                "label": "began suddenly",
                "when": _SUDDEN,
                "weight": 0.5,
                "against": {"all": [_OVERUSE, _NO_EARLIER_INJURY]},
                "against_label": "began gradually",
                "against_weight": 1.5,
            },
            {
                # "Chronic PCL laxity can lead to pain during activities that stress the
                # posterior knee": the pain of an old blow or hyperextension, years on.
                "id": "earlier_injury",
                "label": "an earlier injury to this knee",
                "when": {"field": "prior_injury", "is": True},
                "weight": 2.5,
            },
        ],
    },
    {
        "code": "lumbar_radiculopathy",
        "name": "Referred pain: lumbar radiculopathy / sciatica",
        "passage": (
            "Nerve irritation in the lower back (lumbar spine) can refer pain down the leg, "
            "sometimes manifesting as pain primarily behind the knee. This pain is often "
            "accompanied by numbness, tingling, or weakness in the leg."
        ),
        "acute": False,
        "signs": [
            {
                "id": "back_pain",
                "label": "low back pain, or pain running down the leg from the back",
                "when": {"field": "back_pain", "is": True},
                "weight": 3.5,
                "against": {"field": "back_pain", "is": False},
                "against_label": "no low back pain",
                "against_weight": 2.0,
            },
            {
                "id": "numbness",
                "label": "numbness or tingling in the leg",
                "when": {"field": "numbness", "is": True},
                "weight": 1.5,
                "against": {"field": "numbness", "is": False},
                "against_label": "no numbness or tingling",
                "against_weight": 0.5,
            },
            {
                "id": "weakness",
                "label": "weakness in the leg",
                "when": {"field": "weakness", "is": True},
                "weight": 1.5,
                "against": {"field": "weakness", "is": False},
                "against_label": "no weakness",
                "against_weight": 0.5,
            },
            {
                "id": "down_the_leg",
                "specific": False,
                "label": "pain running down the leg",
                "when": {"field": "locations", "has_any": ["thigh", "calf"]},
                "weight": 0.5,
            },
        ],
    },
    {
        "code": "paes",
        "name": "Popliteal artery entrapment syndrome (PAES)",
        "passage": (
            "Symptoms include cramping, pain, numbness, or weakness in the calf/foot that "
            "resolves with rest. Common in young athletes."
        ),
        "acute": False,
        "signs": [
            {
                "id": "cramping",
                "label": "cramping in the calf or foot during exercise",
                "when": {"field": "cramping", "is": True},
                "weight": 3.0,
                "against": {"field": "cramping", "is": False},
                "against_label": "no cramping",
                "against_weight": 2.0,
            },
            {
                "id": "resolves_with_rest",
                "label": "goes away when the exercise stops",
                "when": {"field": "eases_with_rest", "is": True},
                "weight": 2.0,
                "against": {"field": "eases_with_rest", "is": False},
                "against_label": "does not go away when the exercise stops",
                "against_weight": 1.0,
            },
            {
                "id": "during_exercise",
                "specific": False,
                "label": "comes on during exercise",
                "when": {"field": "timing", "is": "during"},
                "weight": 0.5,
            },
            {
                "id": "numb_or_weak",
                "label": "numbness or weakness",
                "when": {
                    "any": [{"field": "numbness", "is": True}, {"field": "weakness", "is": True}]
                },
                "weight": 1.0,
            },
            {
                "id": "calf",
                "specific": False,
                "label": "pain in the calf",
                "when": {"field": "locations", "has": "calf"},
                "weight": 0.5,
            },
            {
                "id": "at_rest",
                "specific": False,
                "against": {"field": "timing", "in": ["at_rest", "night"]},
                "against_label": "hurts at rest too, so it does not resolve with rest",
                "against_weight": 1.0,
            },
        ],
    },
    {
        "code": "bursitis",
        "name": "Bursitis (e.g. semimembranosus bursa)",
        "passage": (
            "Inflammation of bursae around the posterior knee, such as the semimembranosus "
            "bursa, can cause localized pain and tenderness."
        ),
        "acute": False,
        "signs": [
            {
                "id": "localized_tenderness",
                "label": "one small spot is tender to press",
                "when": {"field": "tender_spot", "is": True},
                "weight": 3.5,
                "against": {"field": "tender_spot", "is": False},
                "against_label": "no single tender spot",
                "against_weight": 2.0,
            },
            {
                "id": "inflammation",
                "specific": False,
                "label": "swelling, redness or warmth (inflammation)",
                "when": {
                    "any": [
                        {"field": "swelling", "in": ["mild", "moderate", "severe"]},
                        {"field": "knee_redness_warmth", "is": True},
                    ]
                },
                "weight": 0.5,
            },
        ],
    },
]

# ---------------------------------------------------------------- factors
# kinds: entry  - `when` holds on an entry of the episode
#        streak - `when` holds on this many logged days in a row, with no gap
FACTORS: list[dict[str, Any]] = [
    {
        "code": "load_spike",
        "name": "Sudden increase in volume or intensity",
        "passage": (
            "Sudden Increase in Volume or Intensity: Rapidly increasing mileage, weight, or "
            "duration of workouts without adequate adaptation time."
        ),
        "kind": "entry",
        "when": {"field": "load_change", "is": "big_increase"},
        "note": "a sudden jump in training this week",
    },
    {
        "code": "no_warm_up",
        "name": "Inadequate warm-up",
        "passage": (
            "Inadequate Warm-up/Cool-down: Skipping these crucial phases can leave muscles "
            "and tendons unprepared for activity or hinder recovery."
        ),
        "kind": "entry",
        "when": {"field": "warm_up", "is": False},
        "note": "no warm-up before exercising",
    },
    {
        "code": "worn_footwear",
        "name": "Worn-out or inappropriate footwear",
        "passage": (
            "Equipment: Worn-out or inappropriate footwear can alter gait mechanics and "
            "contribute to pain."
        ),
        "kind": "entry",
        "when": {"field": "worn_footwear", "is": True},
        "note": "worn-out or unsuitable shoes",
    },
    {
        "code": "no_recovery",
        "name": "Inadequate recovery",
        "passage": (
            "Inadequate Recovery: Insufficient rest, nutrition, and sleep can impair tissue "
            "repair and increase susceptibility to injury."
        ),
        "kind": "streak",
        # A training day: an activity is logged and it is not a rest day.
        "when": {
            "field": "activity",
            "in": [
                "running",
                "downhill_running",
                "sprinting",
                "cycling",
                "squats",
                "jumping",
                "hiking",
                "walking",
                "strength",
                "other",
            ],
        },
        # A week of training with no rest day: the article gives no number, so the
        # product reads "many days in a row" as seven or more.
        "days_at_least": 7,
        "note": "a training day in a run of days with no rest day",
    },
]

# ---------------------------------------------------------------- advice
# `when`: applies if one of `causes` is among the leading causes, one of `factors`
# was found, or `entries` holds on an entry of the episode.
ADVICE: list[dict[str, Any]] = [
    {
        "code": "rice",
        "text": (
            "For acute pain, follow the RICE protocol: Rest from aggravating activities, "
            "Ice the area, apply Compression (if appropriate), and Elevate the leg."
        ),
        "passage": (
            "Acute Management (RICE): For acute pain, follow the RICE protocol: Rest from "
            "aggravating activities, Ice the area, apply Compression (if appropriate), and "
            "Elevate the leg."
        ),
        "when": {
            "causes": [c["code"] for c in CAUSES if c["acute"]],
            "entries": {"field": "onset", "is": "sudden"},
        },
    },
    {
        "code": "gradual_progression",
        "text": (
            "Slowly increase the intensity, duration, and frequency of your workouts. "
            "Avoid sudden spikes in training load."
        ),
        "passage": (
            "Gradual Progression: Slowly increase the intensity, duration, and frequency of "
            "your workouts. Avoid sudden spikes in training load."
        ),
        "when": {
            "factors": ["load_spike", "no_recovery"],
            "causes": ["distal_hamstring_tendinopathy", "popliteus_tendinopathy"],
        },
    },
    {
        "code": "warm_up_cool_down",
        "text": (
            "Always include dynamic stretches before exercise and static stretches or foam "
            "rolling during your cool-down."
        ),
        "passage": (
            "Proper Warm-up and Cool-down: Always include dynamic stretches before exercise "
            "and static stretches or foam rolling during your cool-down."
        ),
        "when": {"factors": ["no_warm_up"]},
    },
    {
        "code": "form_technique",
        "text": (
            "Seek guidance from a qualified fitness professional to ensure proper "
            "biomechanics for all exercises."
        ),
        "passage": (
            "Focus on Form and Technique: Seek guidance from a qualified fitness "
            "professional to ensure proper biomechanics for all exercises."
        ),
        "when": {
            "causes": ["posterior_meniscus_injury", "popliteus_tendinopathy"],
        },
    },
    {
        "code": "hamstring_flexibility",
        "text": "Gentle, consistent stretching of the hamstrings.",
        "passage": "Hamstring Flexibility: Gentle, consistent stretching of the hamstrings.",
        "when": {"causes": ["distal_hamstring_tendinopathy", "hamstring_strain"]},
    },
    {
        "code": "eccentric_hamstring_strengthening",
        "text": (
            "Exercises like Nordic hamstring curls or glute-ham raises can strengthen "
            "hamstrings, particularly their eccentric capacity, which is crucial for injury "
            "prevention."
        ),
        "passage": (
            "Eccentric Hamstring Strengthening: Exercises like Nordic hamstring curls or "
            "glute-ham raises can strengthen hamstrings, particularly their eccentric "
            "capacity, which is crucial for injury prevention."
        ),
        "when": {"causes": ["distal_hamstring_tendinopathy", "hamstring_strain"]},
    },
    {
        "code": "gluteal_strengthening",
        "text": (
            "Exercises like glute bridges, band walks, and hip thrusts improve hip stability "
            "and power."
        ),
        "passage": (
            "Gluteal Strengthening: Exercises like glute bridges, band walks, and hip thrusts "
            "improve hip stability and power."
        ),
        # Weak glutes place "increased strain on the hamstrings and other knee stabilizers".
        "when": {
            "causes": [
                "distal_hamstring_tendinopathy",
                "hamstring_strain",
                "popliteus_tendinopathy",
            ]
        },
    },
    {
        "code": "core_stability",
        "text": (
            "A strong core supports overall body mechanics and reduces compensatory strain "
            "on the lower limbs."
        ),
        "passage": (
            "Core Stability: A strong core supports overall body mechanics and reduces "
            "compensatory strain on the lower limbs."
        ),
        "when": {"causes": ["distal_hamstring_tendinopathy", "hamstring_strain"]},
    },
    {
        "code": "calf_stretching_strengthening",
        "text": "Address any imbalances or tightness in the gastrocnemius and soleus.",
        "passage": (
            "Calf Stretching and Strengthening: Address any imbalances or tightness in the "
            "gastrocnemius and soleus."
        ),
        "when": {"causes": ["gastrocnemius_strain"]},
    },
    {
        "code": "footwear",
        "text": "Wear supportive shoes that are suitable for your activity and replace them "
        "regularly.",
        "passage": (
            "Appropriate Footwear: Wear supportive shoes that are suitable for your activity "
            "and replace them regularly."
        ),
        "when": {"factors": ["worn_footwear"]},
    },
    {
        "code": "cross_training",
        "text": (
            "Incorporate activities that place different demands on your body to reduce "
            "repetitive stress on the knee."
        ),
        "passage": (
            "Cross-Training: Incorporate activities that place different demands on your body "
            "to reduce repetitive stress on the knee."
        ),
        "when": {
            "factors": ["no_recovery"],
            "causes": ["distal_hamstring_tendinopathy", "popliteus_tendinopathy"],
        },
    },
]

# ---------------------------------------------------------------- what to log next
# The question put to the person for each field a cause's signs read.
QUESTIONS: dict[str, str] = {
    "provoked_by": (
        "Which movements bring the pain on: bending the knee against resistance, stretching "
        "the hamstrings, a deep squat, straightening fully, twisting, or rising on tiptoe?"
    ),
    "onset": "Did this pain begin gradually or suddenly?",
    "mechanism": (
        "If it began suddenly, what happened: a blow to the front of the shin with the knee "
        "bent, the knee forced straight, a twist, or a forceful push-off?"
    ),
    "activity": "What activity brought the pain on?",
    "locations": (
        "Where exactly does it hurt: the centre of the hollow, its inner or outer side, down "
        "into the calf, or the lower back of the thigh?"
    ),
    "timing": "When does it hurt: during exercise, after, the next day, at rest or at night?",
    "swelling": "Is there swelling around or behind the knee?",
    "lump": "Is there a lump or a feeling of fullness behind the knee?",
    "tender_spot": "Is one small spot behind the knee tender to press?",
    "clicking": "Does the knee click?",
    "locking": "Does the knee lock?",
    "giving_way": "Does the knee give way?",
    "cramping": "Do you get cramping in the calf or foot during exercise?",
    "eases_with_rest": "Does the pain or cramping go away when you stop exercising?",
    "back_pain": "Do you have low back pain, or pain running down the leg from the back?",
    "numbness": "Do you have numbness or tingling in the leg or foot?",
    "weakness": "Do you have weakness in the leg or foot?",
    "knee_redness_warmth": "Is there redness or warmth around the knee?",
    "prior_injury": "Have you injured this knee before, even years ago?",
}

# A question that only makes sense after another answer: asked only when this
# condition holds on an entry of the episode (what happened at a sudden onset).
QUESTION_ONLY_IF: dict[str, dict[str, Any]] = {
    "mechanism": {"field": "onset", "is": "sudden"},
}

CAUSE_NAMES: dict[str, str] = {c["code"]: c["name"] for c in CAUSES}
# Each cause in a person's words, shown before its medical name: what the article
# says the condition is, without the Latin.
CAUSE_PLAIN_NAMES: dict[str, str] = {
    "distal_hamstring_tendinopathy": "Overused hamstring tendon just below the knee",
    "hamstring_strain": "Pulled or torn hamstring muscle",
    "gastrocnemius_strain": "Strained calf muscle or tendon",
    "bakers_cyst": "Fluid-filled sac behind the knee",
    "popliteus_tendinopathy": "Overused tendon of the small muscle behind the knee",
    "posterior_meniscus_injury": "Torn cartilage pad at the back of the knee",
    "pcl_sprain": "Sprained ligament deep inside the knee",
    "lumbar_radiculopathy": "Pain sent down from a nerve in the lower back",
    "paes": "Artery behind the knee squeezed by muscles during exercise",
    "bursitis": "Inflamed fluid-filled cushion behind the knee",
}
RED_FLAG_TITLES: dict[str, str] = {f["code"]: f["title"] for f in RED_FLAGS}
FACTOR_NAMES: dict[str, str] = {f["code"]: f["name"] for f in FACTORS}

# ---------------------------------------------------------------- episode facts
# Answers that belong to the injury, not to the day: asked once per episode, they
# count for every entry of the current episode (see engine.current_episode). A value
# recorded on any entry of the episode counts for the whole episode too.
# `prior_injury` is not a fossa-diary/1 entry field: it lives with the episode
# ("an earlier injury to this knee"; the article: "Chronic PCL laxity can lead to
# pain during activities that stress the posterior knee", after a blow or
# hyperextension).
EPISODE_FIELDS: tuple[str, ...] = ("onset", "mechanism", "popping", "lump", "prior_injury")
EPISODE_FIELD_LABELS: dict[str, str] = {"prior_injury": "An earlier injury to this knee"}
# The current episode: the entries of the last EPISODE_WINDOW_DAYS days that come
# after the newest break, a break being this many days or more between two logged
# days with pain. A new injury after weeks without pain is a new episode.
EPISODE_BREAK_DAYS = 14

# ---------------------------------------------------------------- safety screens
# When to ask the questions that screen for a red flag. Each screen names the flag
# it screens for (its urgency is the flag's), the fields it asks, and `when`: the
# cues of ONE entry that make it relevant (same condition grammar; judged by the
# engine and, through client_safety_screens(), by the browser as the form fills
# in). `pain_rise_at_least` adds a cue of several days (engine only): a sudden
# worsening, the day's pain this much above that of the previous logged day with
# pain (a pain-free rest day before a run is no worsening).
# `unanswered_in_episode` also asks it, once, while the episode has pain and none of
# its fields was ever answered (engine only).
# A screen is not asked when its flag is already raised by recorded answers, nor
# once its fields are answered for the entry it belongs to (scope "entry": the
# newest entry that made it relevant, within the flag's window) or for the episode.
_SWOLLEN = {"field": "swelling", "in": ["mild", "moderate", "severe"]}
_INJURIES = ["direct_blow", "hyperextension", "twisting", "forceful_push_off"]
SAFETY_SCREENS: list[dict[str, Any]] = [
    {
        "code": "dvt_calf_signs",
        "flag": "dvt_suspected",
        "fields": list(_CALF_SIGNS),
        "question": "Is your calf or thigh swollen, red or tender to touch?",
        "why": (
            "Swelling, redness or tenderness in the calf or thigh can be signs of a blood "
            "clot (DVT), which the article calls a medical emergency."
        ),
        "multiple": True,
        "chips": {
            "calf_swelling": "Swollen",
            "calf_redness": "Red",
            "calf_tenderness": "Tender to touch",
        },
        "scope": "entry",
        # The pain reaches the calf or thigh; it is severe; it hurts at rest or at
        # night; the leg is swollen (the person may log a swollen calf as swelling,
        # and the article's signs are "in the calf or thigh", so ask where); or it
        # suddenly got worse.
        "when": {
            "any": [
                {"field": "locations", "has_any": ["calf", "thigh"]},
                {"field": "pain", "at_least": 7},
                {"field": "timing", "in": ["at_rest", "night"]},
                _SWOLLEN,
            ]
        },
        "pain_rise_at_least": 3,
        # Server only: an emergency is the worst thing to miss, and a DVT can come
        # with nothing in the quick log pointing at the leg; ask once an episode.
        "unanswered_in_episode": True,
        "passage": (
            "Symptoms suggestive of a Deep Vein Thrombosis (DVT), such as sudden, severe "
            "pain, swelling, tenderness, and redness in the calf or thigh (this is a "
            "medical emergency)."
        ),
    },
    {
        "code": "weight_bearing",
        "flag": "severe_pain_no_weight_bearing",
        "fields": ["can_bear_weight"],
        "question": "Can you stand and walk on the leg?",
        "why": (
            "Severe pain, especially if it stops you bearing weight or moving normally, "
            "is a reason to see a professional."
        ),
        "multiple": False,
        "scope": "entry",
        # Severe pain, significant swelling, an injury (a pop, a blow to the shin,
        # the knee forced straight, a twist), or a knee that locks or gives way (no
        # "normal movement").
        "when": {
            "any": [
                {"field": "pain", "at_least": 7},
                {"field": "swelling", "in": ["moderate", "severe"]},
                {"field": "popping", "is": True},
                {"field": "mechanism", "in": ["direct_blow", "hyperextension", "twisting"]},
                {"field": "locking", "is": True},
                {"field": "giving_way", "is": True},
            ]
        },
        "pain_rise_at_least": 3,
        "passage": "Severe pain, especially if it prevents weight-bearing or normal movement.",
    },
    {
        "code": "knee_redness_warmth",
        "flag": "swelling_redness_warmth",
        "fields": ["knee_redness_warmth"],
        "question": "Is the skin around your knee red or warm?",
        "why": (
            "Significant swelling, redness or warmth around the knee is a reason to see "
            "a professional."
        ),
        "multiple": False,
        "scope": "entry",
        # Swelling, or a tender spot (an inflamed bursa), or pain at rest or at night.
        "when": {
            "any": [
                _SWOLLEN,
                {"field": "tender_spot", "is": True},
                {"field": "timing", "in": ["at_rest", "night"]},
            ]
        },
        "passage": "Significant swelling, redness, or warmth around the knee.",
    },
    {
        "code": "neuro",
        "flag": "neuro_symptoms",
        "fields": ["numbness", "weakness"],
        "question": "Do you have numbness, tingling or weakness in the leg or foot?",
        "why": (
            "Numbness, tingling or weakness in the leg or foot is a reason to see a professional."
        ),
        "multiple": True,
        "chips": {"numbness": "Numbness or tingling", "weakness": "Weakness"},
        "scope": "entry",
        # Pain spreading down into the calf (referred down the leg), low back pain,
        # or cramping in the calf or foot.
        "when": {
            "any": [
                {"field": "locations", "has": "calf"},
                {"field": "back_pain", "is": True},
                {"field": "cramping", "is": True},
            ]
        },
        # Server only: while the episode has pain and neither answer was ever given,
        # ask once (the quick log's numbness left blank says nothing).
        "unanswered_in_episode": True,
        "passage": "Numbness, tingling, or weakness in the leg or foot.",
    },
    {
        "code": "popping",
        "flag": "popping_injury",
        "fields": ["popping"],
        "question": "Did you hear or feel a pop when it happened?",
        "why": (
            "A popping sound at the time of injury, followed by pain and swelling, is a "
            "reason to see a professional."
        ),
        "multiple": False,
        "scope": "episode",
        # An injury: a sudden start, something that happened, or significant swelling.
        # (Mild swelling that came on gradually is not "the time of injury"; once the
        # person says it began suddenly, the pop is asked.)
        "when": {
            "any": [
                {"field": "onset", "is": "sudden"},
                {"field": "mechanism", "in": _INJURIES},
                {"field": "swelling", "in": ["moderate", "severe"]},
            ]
        },
        "passage": 'A "popping" sound at the time of injury, followed by pain and swelling.',
    },
]

# Wording of a question that asks ONE field of a group (the rest already answered),
# and of every field the engine may ask on its own. Booleans get Yes / No.
FIELD_QUESTIONS: dict[str, str] = {
    "calf_swelling": "Is your calf or thigh swollen?",
    "calf_redness": "Is your calf or thigh red?",
    "calf_tenderness": "Is your calf or thigh tender to touch?",
    "can_bear_weight": "Can you stand and walk on the leg?",
    "popping": "Did you hear or feel a pop when it happened?",
    "load_change": "Has your training changed this week?",
    "warm_up": "Did you warm up first?",
    "worn_footwear": "Are your shoes worn-out or unsuitable?",
    "side": "Which knee?",
    "pain": "How bad is the pain, from 0 to 10?",
}
# The label of the one chip of a group that answers "no" to every field of it.
NONE_OF_THESE = "None of these"
