"""Scrapy's downloader with the per-host concurrency limit actually enforced.

Scrapy 2.19's ``Downloader._process_queue`` pops requests from a slot's queue while
``slot.free_transfer_slots() > 0`` but only *schedules* each download; the request joins
``slot.transferring`` later, inside the scheduled coroutine. With ``DOWNLOAD_DELAY = 0`` the
loop therefore drains the whole queue at once and ``CONCURRENT_REQUESTS_PER_DOMAIN`` is not
honoured (measured: 6-8 parallel requests to one replica host with the limit at 2). With a
delay the loop stops after one request, so production crawls were paced, but a source whose
operator sets the delay to 0 must still never see more than 2 parallel requests. This
subclass reserves the transfer slot before scheduling the download.
"""

from __future__ import annotations

from time import monotonic

from scrapy.core.downloader import Downloader, Slot
from scrapy.utils.asyncio import call_later
from scrapy.utils.defer import _schedule_coro


class PoliteDownloader(Downloader):
    """``Downloader`` whose slot loop counts a request as transferring as soon as it leaves the queue."""

    def _process_queue(self, slot: Slot) -> None:
        if slot.latercall:
            return
        now = monotonic()
        delay = slot.download_delay()
        if delay:
            penalty = delay - now + slot.lastseen
            if penalty > 0:
                slot.latercall = call_later(penalty, self._latercall, slot)
                return
        while slot.queue and slot.free_transfer_slots() > 0:
            slot.lastseen = now
            request, queue_dfd = slot.queue.popleft()
            # Reserve now; _download() adds it again (a set) and removes it when done.
            slot.transferring.add(request)
            _schedule_coro(self._wait_for_download(slot, request, queue_dfd))
            if delay:
                self._process_queue(slot)
                break
