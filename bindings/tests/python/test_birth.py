"""出生一件事 end to end through the Python bindings: plan, draft, consent, submit, 秒批, a staff decision heard
by a Python observer, cancellation, typed errors and the assistant.

The platform registers a birth once per mother: the journey is one test, on the function-scoped platform fixture.
"""

import asyncio
import json
import threading
import urllib.request

import pytest

from onego import onego_core as core
from onego import onego_protocol as protocol

from test_journey import DictSecretStore, config

AV = protocol.AnswerValue
ANSWERS = {
    "born": AV.BOOL(True),
    "hukou_with": AV.TEXT("随母亲"),
    "mother_insured": AV.BOOL(False),
    "need_ssc": AV.BOOL(True),
    "birth_registered": AV.BOOL(True),
}
FIELDS = {
    "child.name": "王小满",
    "vaccination.clinic": "西湖区北山街道社区卫生服务中心",
    "insured.category": "新生儿",
    "ssc.bank": "杭州银行",
    "bank.account": "6222330000000007919",
}
# Pre-filled from the maternal-health registry (the profile's `newborn`): the mother does not type them.
BIRTH_FACTS = ["child.gender", "child.birth_date", "child.birth_place", "birth.hospital"]
SSC = "zj-rsj-ssc-newborn"
VACCINATION = "zj-wjw-vaccination-cert"


class RecordingObserver(core.Observer):
    """The shell's observer. The core calls it on its own threads, so it records under a lock and wakes the event
    loop; tests wait for an event with a deadline, never with a fixed sleep."""

    def __init__(self, loop):
        self.events = []
        self._lock = threading.Lock()
        self._loop = loop
        self._changed = asyncio.Event()

    def on_event(self, event):
        with self._lock:
            self.events.append(event)
        try:
            self._loop.call_soon_threadsafe(self._changed.set)
        except RuntimeError:
            pass  # the loop is closed: the test is over

    def snapshot(self):
        with self._lock:
            return list(self.events)

    def described(self, since=0):
        # uniffi's Python records and enums show their fields in str(), not in repr().
        return [str(e) for e in self.snapshot()[since:]]

    async def wait_for(self, what, matches, since=0, timeout=15):
        async def scan():
            while True:
                self._changed.clear()
                found = next((e for e in self.snapshot()[since:] if matches(e)), None)
                if found is not None:
                    return found
                await self._changed.wait()

        try:
            return await asyncio.wait_for(scan(), timeout)
        except asyncio.TimeoutError:
            pytest.fail(f"no {what} within {timeout} s; heard: {self.described()}")


class StaffDesk:
    """The sandbox's staff desk, over plain HTTP (off the event loop)."""

    def __init__(self, url):
        self.url = url

    def _send(self, path, body=None):
        req = urllib.request.Request(
            self.url + path,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": "Bearer sandbox-staff", "Content-Type": "application/json"},
            method="GET" if body is None else "POST",
        )
        with urllib.request.urlopen(req, timeout=10) as res:
            assert res.status == 200
            return json.loads(res.read())

    async def queue(self):
        return await asyncio.to_thread(self._send, "/v1/staff/queue")

    async def approve(self, application_id, matter_id):
        body = {"decision": "approve", "note": "同意"}
        path = f"/v1/staff/applications/{application_id}/matters/{matter_id}"
        return await asyncio.to_thread(self._send, path, body)


def approved(application_id, matter_id):
    return lambda e: (
        e.is_APPLICATION_CHANGED()
        and e.application_id == application_id
        and e.matter_id == matter_id
        and e.status == protocol.MatterStatus.APPROVED
    )


def test_birth_in_one_go(tmp_path, platform):
    app = core.Onego(config(tmp_path, platform.url), DictSecretStore())
    staff = StaffDesk(platform.url)
    handles = []

    async def journey():
        await app.sign_in("13800000001", "123456", protocol.AccountKind.CITIZEN)
        assert (await app.sync_catalog()).upserted > 0
        assert (await app.refresh_wallet()).added >= 4, "the parents' licences are in the wallet"

        # The plan: which matters apply, and what was pre-filled.
        plan = await app.plan("bundle-birth", ANSWERS)
        applies = {m.matter_id: m.applies for m in plan.matters}
        for m in ["zj-wjw-birth-cert", "zj-gaj-hukou-birth", "zj-ybj-resident-enroll", SSC]:
            assert applies[m] == protocol.Truth.TRUE, applies
        assert applies["zj-wjw-birth-registration"] == protocol.Truth.FALSE, "the birth is already registered"
        spared = plan.spared
        assert spared.fields_prefilled > 0 and spared.materials_spared > 0
        assert plan.summary == f"少填 {spared.fields_prefilled} 项、免交 {spared.materials_spared} 份"
        prefilled = {f.key: f for f in plan.fields if f.value}
        assert prefilled["mother.name"].provenance.is_PROFILE()
        for k in BIRTH_FACTS:
            assert k in prefilled, f"{k} comes from the registry"
            assert prefilled[k].provenance.path.startswith("profile.newborn."), str(prefilled[k].provenance)
        assert plan.to_do, "some fields are left to fill"

        # The draft.
        draft = await app.start_draft("bundle-birth", None)
        assert draft.state == core.DraftState.EDITING
        assert any(e.field == "answers.born" for e in draft.errors), [str(e) for e in draft.errors]
        for q, v in ANSWERS.items():
            draft = await app.answer(draft.id, q, v)
        for k, v in FIELDS.items():
            draft = await app.set_field(draft.id, k, v)
        assert [str(e) for e in draft.errors] == []
        assert draft.values["child.name"] == "王小满"

        # Typed errors: no consent, a wrong field, an unknown field.
        with pytest.raises(core.OnegoError.Validation) as e:
            await app.submit(draft.id, False)
        assert e.value.field == "consent"
        draft = await app.set_field(draft.id, "bank.account", "12345")
        assert any(err.field == "fields.bank.account" for err in draft.errors), [str(e) for e in draft.errors]
        with pytest.raises(core.OnegoError.Validation) as e:
            await app.submit(draft.id, True)
        assert e.value.field == "fields.bank.account"
        assert "银行账号" in e.value.message
        with pytest.raises(core.OnegoError.Validation) as e:
            await app.set_field(draft.id, "no.such", "x")
        assert e.value.field == "fields.no.such"
        draft = await app.set_field(draft.id, "bank.account", FIELDS["bank.account"])
        assert [str(e) for e in draft.errors] == []

        # Consent: which licences go to which departments.
        consent = await app.consent(draft.id)
        assert consent.licences and all(l.departments and l.claims for l in consent.licences), str(consent)
        assert "杭州市公安局" in {d for l in consent.licences for d in l.departments}
        assert consent.summary

        # Submit and deliver: 秒批 at once, the social security card waits for staff.
        queued = await app.submit(draft.id, True)
        assert queued.service_name == "出生一件事"
        assert [i.draft_id for i in await app.outbox()].count(draft.id) == 1
        assert (await app.deliver_outbox()).delivered == 1
        draft = await app.draft(draft.id)
        assert draft.state == core.DraftState.DELIVERED
        application_id = draft.application_id
        [application] = await app.applications()
        assert application.id == application_id
        status = {m.matter_id: m.status for m in application.matters}
        for m in application.matters:
            if m.matter_id in ("zj-wjw-birth-cert", "zj-gaj-hukou-birth", "zj-ybj-resident-enroll"):
                assert m.status == protocol.MatterStatus.APPROVED, status
                assert any(h.actor == protocol.Actor.RULES for h in m.history), [str(h) for h in m.history]
        assert status[SSC] == protocol.MatterStatus.IN_REVIEW, status
        assert (await app.sync_applications()).licences_received >= 1
        assert "出生医学证明" in [l.name for l in await app.licences()]
        queue = await staff.queue()
        assert any(i["application_id"] == application_id and i["matter_id"] == SSC for i in queue["items"]), queue

        # The watcher: a staff approval reaches the Python observer, with the licence it issued.
        loop = asyncio.get_running_loop()
        observer = RecordingObserver(loop)
        handle = app.watch(observer)
        handles.append(handle)
        await observer.wait_for("online", lambda e: e.is_CONNECTION() and e.online)
        await staff.approve(application_id, SSC)
        await observer.wait_for("the card's approval", approved(application_id, SSC))
        card = await observer.wait_for("the card", lambda e: e.is_LICENCE_RECEIVED() and e.name == "社会保障卡")
        assert card.licence_id in [l.id for l in await app.licences()], "the child's card is in the wallet"
        cached = await app.application(application_id)
        assert next(m for m in cached.matters if m.matter_id == SSC).status == protocol.MatterStatus.APPROVED

        # Cancelled: the next decision is not heard (a second watcher proves it happened).
        assert not handle.is_cancelled()
        handle.cancel()
        assert handle.is_cancelled()
        heard = len(observer.snapshot())
        await staff.approve(application_id, VACCINATION)
        control = RecordingObserver(loop)
        second = app.watch(control)
        handles.append(second)
        await control.wait_for("the control's approval", approved(application_id, VACCINATION))
        second.cancel()
        assert observer.described(heard) == [], "a cancelled watcher hears nothing"

        # The assistant, offline from the cached catalog.
        answer = await app.ask("生孩子要带什么材料")
        assert answer.intent == core.AskIntent.MATERIALS
        assert answer.subject_id == "bundle-birth"
        assert answer.action == core.Intent.START_BUNDLE(id="bundle-birth")
        assert answer.action_label and answer.text and not answer.fallback

    try:
        asyncio.run(journey())
    finally:
        # A watcher left running would call into Python while the interpreter shuts down.
        for h in handles:
            h.cancel()
