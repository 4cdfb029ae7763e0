"""Drives Pingan's Open311 server with `georeport` 0.3.1 (PyPI, Python 3): the service list, a
definition, the requests of a service and one request, in JSON and XML. georeport only reads;
the request to read is made by the test and named on the command line."""
import sys

from georeport import GeoReport

base, rid = sys.argv[1:3]


def as_list(v):
    return v if isinstance(v, list) else [v]


for fmt in ('json', 'xml'):
    c = GeoReport(base + '/open311/v2/', jurisdiction='tongchuan.gov.cn', output_format=fmt)
    codes = [s['service_code'] for s in as_list(c.get_service_list())]
    assert 'ZZ02' in codes, codes
    definition = c.get_service_definition('ZZ02')
    attributes = definition['attributes']
    attributes = attributes if fmt == 'json' else as_list(attributes['attribute'])
    assert [a['code'] for a in attributes] == ['title', 'coord', 'grid_code'], attributes
    listed = as_list(c.get_service_requests(service_code='ZZ02', status='open'))
    assert rid in [r['service_request_id'] for r in listed], listed
    one = c.get_service_request(rid)
    assert one['service_request_id'] == rid and one['status'] == 'open', one
    assert one['service_name'] == '治安隐患', one
    print('georeport %s ok %s' % (fmt, rid))
